/** Escapes text (file content, catalog fields, run ids) for Markdown, so it can add no links, images or formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>|#!]/g, (c) => `\\${c}`);
}
