/**
 * Documentation of experiment keys for hovers and completion, from the one key table
 * (engine/config/keys.ts). Returns Markdown text; no vscode import.
 */
import { describeExpected, KeySpec, KeyValue, SectionSpec } from '../../engine/config';

/** A default written as it would be in the file: `[512, 256]`, `null`, `adam`. */
export function formatKeyValue(value: KeyValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => String(v)).join(', ')}]`;
  if (typeof value === 'object') return Object.keys(value).length === 0 ? '{}' : JSON.stringify(value);
  return String(value);
}

export function keyMarkdown(spec: KeySpec): string {
  const lines = [`**${spec.path}**: ${describeExpected(spec)}`, '', spec.description, ''];
  const facts = [`Default: \`${formatKeyValue(spec.default)}\``];
  if (spec.required) facts[0] = 'Required';
  if (spec.values && spec.values.length > 0) facts.push(`Allowed: ${spec.values.map((v) => `\`${v}\``).join(' | ')}`);
  lines.push(facts.join('  \n'));
  return lines.join('\n');
}

export function sectionMarkdown(spec: SectionSpec): string {
  return `**${spec.path}**\n\n${spec.description}`;
}
