/**
 * The real data sets in ../shared/data beside the repository. Tests that need a whole
 * set (exact counts over 12,101 Beauty items, the LETTER IDs) read it from there and
 * skip with this message where it is absent (a fresh clone, CI); everything else runs
 * on the bundled example or on test/fixtures.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SHARED_DATA = path.resolve(__dirname, '..', '..', '..', 'shared', 'data');

/** A skip message when any of the files (relative to ../shared/data) is missing, else false. */
export function withoutShared(...files: string[]): string | false {
  const missing = files.filter((f) => !fs.existsSync(path.join(SHARED_DATA, f)));
  return missing.length === 0 ? false : `needs ../shared/data/${missing.join(', ')} beside the repository (absent here)`;
}
