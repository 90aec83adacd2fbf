/**
 * Where the cursor is in an experiment file, in terms of its keys. Hover uses the
 * parsed document (works in flow mappings too); completion reads indentation, because
 * the line being typed is rarely valid YAML yet. No vscode import.
 */
import { isMap, isScalar, isSeq, parseDocument, type YAMLMap } from 'yaml';

export interface KeyAtCursor {
  /** Dotted key path, e.g. `model.codebook_size`. */
  path: string;
  /** Offsets of the key text (end exclusive). */
  start: number;
  end: number;
}

/** The key whose name (or scalar value) is under `offset`, or null. Never throws. */
export function keyAt(text: string, offset: number): KeyAtCursor | null {
  try {
    const doc = parseDocument(text, { prettyErrors: false });
    return isMap(doc.contents) ? keyInMap(doc.contents, '', offset) : null;
  } catch {
    return null;
  }
}

function keyInMap(map: YAMLMap, prefix: string, offset: number): KeyAtCursor | null {
  for (const pair of map.items) {
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || !pair.key.range) continue;
    const path = prefix === '' ? pair.key.value : `${prefix}.${pair.key.value}`;
    const [start, end] = pair.key.range;
    if (offset >= start && offset <= end) return { path, start, end };
    const value = pair.value;
    if (isMap(value)) {
      const inner = keyInMap(value, path, offset);
      if (inner) return inner;
    } else if ((isScalar(value) || isSeq(value)) && value.range && offset >= value.range[0] && offset <= value.range[1]) {
      return { path, start, end };
    }
  }
  return null;
}

export type CompletionSpot =
  /** Typing a key name in `section` ('' = top level); `present` are its keys already written. */
  | { kind: 'key'; section: string; present: Set<string>; indent: number }
  /** Typing the value of the leaf key `path`. */
  | { kind: 'value'; path: string };

const KEY_LINE = /^(\s*)([A-Za-z_][\w-]*)\s*:(.*)$/;

/** The completion context at (line, character) of a block-style YAML text, or null. */
export function completionSpot(lines: readonly string[], line: number, character: number): CompletionSpot | null {
  const before = (lines[line] ?? '').slice(0, character);
  const typingKey = /^(\s*)[A-Za-z_][\w-]*$|^(\s*)$/.exec(before);
  const typingValue = /^(\s*)([A-Za-z_][\w-]*)\s*:\s+([\w.-]*)$/.exec(before);
  if (!typingKey && !typingValue) return null;
  const indent = typingKey ? (typingKey[1] ?? typingKey[2] ?? '').length : (typingValue?.[1] ?? '').length;
  const parents = parentKeys(lines, line, indent);
  if (parents === null) return null;
  const section = parents.join('.');
  if (typingValue) return { kind: 'value', path: section === '' ? typingValue[2] : `${section}.${typingValue[2]}` };
  return { kind: 'key', section, present: siblingKeys(lines, line, indent), indent };
}

/** Keys of the enclosing block mappings, outermost first; null if the line is not inside one. */
function parentKeys(lines: readonly string[], line: number, indent: number): string[] | null {
  const parents: string[] = [];
  let limit = indent;
  for (let i = line - 1; i >= 0 && limit > 0; i--) {
    const text = lines[i];
    if (isBlank(text)) continue;
    const own = indentOf(text);
    if (own >= limit) continue;
    const m = KEY_LINE.exec(text);
    // A parent must open a block: `key:` with nothing but a comment after it.
    if (!m || !/^\s*(#.*)?$/.test(m[3])) return null;
    parents.unshift(m[2]);
    limit = own;
  }
  return parents;
}

/** Keys written at the same indentation in the same block (above and below the line). */
function siblingKeys(lines: readonly string[], line: number, indent: number): Set<string> {
  const present = new Set<string>();
  for (const step of [-1, 1]) {
    for (let i = line + step; i >= 0 && i < lines.length; i += step) {
      const text = lines[i];
      if (isBlank(text)) continue;
      const own = indentOf(text);
      if (own < indent) break;
      const m = own === indent ? KEY_LINE.exec(text) : null;
      if (m) present.add(m[2]);
    }
  }
  return present;
}

function isBlank(text: string): boolean {
  return /^\s*(#.*)?$/.test(text);
}

function indentOf(text: string): number {
  return /^\s*/.exec(text)?.[0].length ?? 0;
}
