/**
 * "Inspect Item" results as read-only markdown documents (scheme `semid-inspect`):
 * the item's catalog fields and the items sharing its prefixes at each depth.
 */
import * as vscode from 'vscode';
import { formatSid, type InspectedItem, type ItemReport } from '../../protocol';
import { codeSpan, escapeMarkdown } from '../markdownText';

export const INSPECT_SCHEME = 'semid-inspect';

export class ItemReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, this);
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'This inspection is no longer available; run "Inspect Item by Semantic ID" again.';
  }

  /** Stores the report and returns the document's Uri. */
  put(runId: string, report: ItemReport, markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/${runId}/${encodeURIComponent(report.item.id)}.md` });
    this.contents.set(uri.toString(), markdown);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.contents.clear();
  }
}

/** The report as Markdown; every catalog value (ids, titles, fields) escaped or in a safe code span. */
export function itemReportMarkdown(report: ItemReport, runLabel: string): string {
  const { item } = report;
  const lines = [
    `# ${escapeMarkdown(item.title ?? item.id)}`,
    '',
    `Semantic ID ${codeSpan(formatSid(item.sid))} · item ${codeSpan(item.id)} · run ${escapeMarkdown(runLabel)}`,
    '',
    '## Catalog fields',
    '',
  ];
  if (report.fields) {
    lines.push('| field | value |', '| --- | --- |');
    for (const [field, value] of Object.entries(report.fields)) lines.push(`| ${escapeMarkdown(field)} | ${escapeMarkdown(fieldText(value))} |`);
  } else {
    lines.push(report.catalogProblem ? `_The catalog could not be read: ${escapeMarkdown(report.catalogProblem)}_` : '_Not in the catalog._');
  }
  lines.push('', '## Items sharing its prefixes', '');
  for (const d of report.depths) {
    const last = d.depth === report.levels;
    const note = last ? 'same codes, told apart by the digit' : `${d.exactly} diverge at the next level`;
    lines.push(`### Depth ${d.depth}: \`${formatSid(d.prefix)}\` — ${d.count} other item${d.count === 1 ? '' : 's'}${d.count > 0 ? ` (${note})` : ''}`, '');
    lines.push(...d.items.map(itemLine));
    if (d.exactly > d.items.length) lines.push(`- … ${d.exactly - d.items.length} more`);
    lines.push('');
  }
  return lines.join('\n');
}

function itemLine(it: InspectedItem): string {
  return `- ${codeSpan(formatSid(it.sid))} ${codeSpan(it.id)}${it.title ? ` ${escapeMarkdown(it.title)}` : ''}`;
}

function fieldText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 500 ? `${oneLine.slice(0, 499)}…` : oneLine;
}

/** Escapes what would turn text into markdown structure (tables, emphasis, HTML). */
