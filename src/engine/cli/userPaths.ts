import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_FILES } from '../../protocol/runLayout';

/**
 * Checks of the paths a user typed (run directory, --items, --out, --resume), made
 * before any work starts, so a typo reads as "<what> <path> does not exist" with exit
 * code 2 and never as a raw ENOENT/EISDIR from deep inside a loader.
 */

/** A path the user gave is missing or of the wrong kind: exit code 2, no usage text. */
export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

function statOf(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

/** An existing file (not a folder); returns the absolute path. */
export function existingFile(given: string, what: string): string {
  const p = path.resolve(given);
  const stat = statOf(p);
  if (!stat) throw new PathError(`${what} ${p} does not exist`);
  if (stat.isDirectory()) throw new PathError(`${what} ${p} is a folder, not a file`);
  return p;
}

/** An existing folder; returns the absolute path. */
export function existingFolder(given: string, what: string): string {
  const p = path.resolve(given);
  const stat = statOf(p);
  if (!stat) throw new PathError(`${what} ${p} does not exist`);
  if (!stat.isDirectory()) throw new PathError(`${what} ${p} is a file, not a folder`);
  return p;
}

/** A run directory holding the `needed` entries of RUN_FILES. */
export function runDirectory(given: string, what: string, needed: readonly (keyof typeof RUN_FILES)[]): string {
  const dir = existingFolder(given, what);
  for (const key of needed) {
    const file = RUN_FILES[key];
    if (!fs.existsSync(path.join(dir, file))) {
      throw new PathError(`${what} ${dir} has no ${file}; is it a run directory (<output.dir>/<experiment>/<run-id>)?`);
    }
  }
  return dir;
}

/** A file to write: not a folder, in a folder that exists. */
export function outputFile(given: string, what: string): string {
  const p = path.resolve(given);
  if (statOf(p)?.isDirectory()) throw new PathError(`${what} ${p} is a folder; give a file path`);
  const parent = statOf(path.dirname(p));
  if (!parent) throw new PathError(`${what} ${p}: its folder ${path.dirname(p)} does not exist`);
  if (!parent.isDirectory()) throw new PathError(`${what} ${p}: ${path.dirname(p)} is not a folder`);
  return p;
}

/** A folder to write into (created when missing): not an existing file. */
export function outputFolder(given: string, what: string): string {
  const p = path.resolve(given);
  const stat = statOf(p);
  if (stat && !stat.isDirectory()) throw new PathError(`${what} ${p} is a file, not a folder`);
  return p;
}
