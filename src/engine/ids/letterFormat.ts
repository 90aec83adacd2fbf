import { readFile } from 'node:fs/promises';
import { DataError } from '../data/types';
import { parsePrefix, PrefixSyntaxError } from '../../protocol/sidText';

/**
 * Reference IDs in the LETTER / LC-Rec index format: `{"0": ["<a_183>", "<b_70>",
 * ...], ...}`, keys 0..n-1 (item position, e.g. item id - 1 for Beauty), each value a
 * list of `<letter_code>` tokens (or the same tokens concatenated in one string).
 */
export interface LetterIds {
  items: number;
  levels: number;
  /** Row-major items x levels, row i = key "i". */
  codes: Int32Array;
  /** Per level, the largest code seen + 1 (a lower bound on the codebook size). */
  observedSizes: number[];
}

export async function readLetterIds(file: string): Promise<LetterIds> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new DataError(file, 0, `not valid JSON (${(err as Error).message})`);
  }
  return parseLetterIds(value, file);
}

/** Parses the already-decoded JSON; `source` names it in errors. */
export function parseLetterIds(value: unknown, source: string): LetterIds {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataError(source, 0, 'expected an object {"0": ["<a_1>", ...], ...}');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const items = entries.length;
  const rows: number[][] = new Array<number[]>(items);
  for (const [key, tokens] of entries) {
    const pos = Number(key);
    if (!/^\d+$/.test(key) || pos >= items) {
      throw new DataError(source, 0, `key ${JSON.stringify(key)}: keys must be the positions 0..${items - 1}`);
    }
    rows[pos] = parseTokens(tokens, source, key);
  }
  if (items === 0) throw new DataError(source, 0, 'no items');
  const levels = rows[0].length;
  const codes = new Int32Array(items * levels);
  const observedSizes = new Array<number>(levels).fill(0);
  for (let i = 0; i < items; i++) {
    if (rows[i].length !== levels) {
      throw new DataError(source, 0, `key "${i}" has ${rows[i].length} codes, key "0" has ${levels}`);
    }
    for (let l = 0; l < levels; l++) {
      codes[i * levels + l] = rows[i][l];
      observedSizes[l] = Math.max(observedSizes[l], rows[i][l] + 1);
    }
  }
  return { items, levels, codes, observedSizes };
}

/** `["<a_1>", "<b_2>"]` or `"<a_1><b_2>"` -> [1, 2], letters checked against levels. */
function parseTokens(tokens: unknown, source: string, key: string): number[] {
  const text = Array.isArray(tokens) && tokens.every((t) => typeof t === 'string') ? tokens.join('') : tokens;
  if (typeof text !== 'string' || !text.trim().startsWith('<')) {
    throw new DataError(source, 0, `key ${JSON.stringify(key)}: expected a list of "<a_N>" tokens, got ${JSON.stringify(tokens)}`);
  }
  try {
    return parsePrefix(text);
  } catch (err) {
    const detail = err instanceof PrefixSyntaxError ? err.detail : (err as Error).message;
    throw new DataError(source, 0, `key ${JSON.stringify(key)}: ${detail}`);
  }
}
