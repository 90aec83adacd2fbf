/**
 * Text from run files and catalogs, made safe for where the extension shows it: a run
 * file is data anyone can craft, so it may add no links, images, HTML, formatting or
 * icons to a hover, document, CodeLens or quick pick.
 */

/**
 * Backslash-escapes (CommonMark allows it for any ASCII punctuation) every character
 * that can start structure mid-line, so text adds no links, images, HTML, emphasis,
 * code, tables or strike-through, and no bare-URL or e-mail autolinks (`https\:`,
 * `www\.` and `a\@b\.c` are not recognised). Line breaks become spaces, so no
 * line-start syntax (lists, headings, quotes) can arise either.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ').replace(/[\\`*_{}[\]()<>|#!~+.:@=&$"']/g, (c) => `\\${c}`);
}

/** Any value (a crafted file may put a string where a number belongs) as escaped Markdown text. */
export function markdownValue(value: unknown): string {
  return escapeMarkdown(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
}

/**
 * A Markdown code span holding `text` literally: backslashes do not escape inside code,
 * so the fence is one backtick longer than the longest run in the text.
 */
export function codeSpan(text: string): string {
  const oneLine = text.replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') || oneLine.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/** Text for a CodeLens title or quick-pick label, which render `$(name)` as an icon: one line, no icons. */
export function plainLabel(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\$\(/g, '$\u200b(');
}
