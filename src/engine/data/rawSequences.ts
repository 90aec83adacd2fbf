/**
 * Interaction files that hold each user's whole sequence in time order, before any
 * split: `.txt` (`user i1 i2 ...` per line) and JSON (`{user: [items]}`).
 * Items stay raw tokens here; mapping them to catalog positions comes later.
 */
import { DataError } from './types';
import { readLines } from './lineReader';
import { readJsonEntries } from './jsonEntries';

export interface RawSequence {
  user: string;
  items: string[];
}

/** Users already seen, so a repeated user is an error that names both lines. */
class UserLines {
  private readonly lines = new Map<string, number>();
  constructor(private readonly file: string) {}

  claim(user: string, line: number): void {
    const earlier = this.lines.get(user);
    if (earlier !== undefined) throw new DataError(this.file, line, `user '${user}' appears again (first on line ${earlier})`);
    this.lines.set(user, line);
  }
}

export async function readTextSequences(file: string): Promise<RawSequence[]> {
  const users = new UserLines(file);
  const out: RawSequence[] = [];
  for await (const { text, lineNo } of readLines(file)) {
    const tokens = text.trim().split(/\s+/);
    if (tokens[0] === '') continue;
    const user = tokens[0];
    users.claim(user, lineNo);
    out.push({ user, items: tokens.slice(1) });
  }
  return out;
}

export async function readJsonSequences(file: string): Promise<RawSequence[]> {
  const users = new UserLines(file);
  const out: RawSequence[] = [];
  for await (const { key, value, line } of readJsonEntries(file)) {
    if (key === null) throw new DataError(file, line, 'expected a JSON object {user: [items in time order]}, found an array');
    users.claim(key, line);
    if (!Array.isArray(value)) throw new DataError(file, line, `the items of user '${key}' are not an array`);
    const items: string[] = [];
    for (const item of value) {
      if (typeof item === 'string') items.push(item);
      else if (typeof item === 'number' && Number.isFinite(item)) items.push(String(item));
      else throw new DataError(file, line, `user '${key}': item ${JSON.stringify(item)} is not a string or a number`);
    }
    out.push({ user: key, items });
  }
  return out;
}
