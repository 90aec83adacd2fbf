/**
 * The `<output.dir>` an experiment file writes its runs to, read even from a file the
 * validator rejects (a typo elsewhere must not hide the runs it already made).
 * Relative paths are relative to the file's folder, as in the engine.
 */
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { keySpec } from '../../engine/config';

export function experimentOutputDir(text: string, filePath: string): string {
  const fallback = keySpec('output.dir')?.default;
  let dir = typeof fallback === 'string' ? fallback : 'runs';
  try {
    const value: unknown = parseDocument(text, { prettyErrors: false }).getIn(['output', 'dir']);
    if (typeof value === 'string' && value.trim() !== '') dir = value.trim();
  } catch {
    // Unreadable YAML: keep the default folder.
  }
  return path.resolve(path.dirname(filePath), dir);
}
