import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { DataError } from '../data/types';
import type { SemanticIdRecord } from '../../protocol/summary';
import { checkShape } from './codeMatrix';

/** Lines per write: large enough to be fast, small enough to never build one huge string. */
const CHUNK_LINES = 8192;

/**
 * Writes `semantic_ids.jsonl` (design §3): one `{"id": ..., "sid": [c1..cL, d]}` a
 * line, in catalog order. Atomic: a temp file beside the target, then rename, so a
 * reader never sees half a file.
 */
export async function writeSemanticIds(
  file: string,
  ids: readonly string[],
  codes: Int32Array,
  digits: Int32Array,
  levels: number,
): Promise<void> {
  const items = ids.length;
  checkShape(codes, items, levels);
  if (digits.length !== items) throw new RangeError(`digits: expected ${items}, got ${digits.length}`);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const handle = await open(temp, 'w');
  try {
    for (let start = 0; start < items; start += CHUNK_LINES) {
      const end = Math.min(items, start + CHUNK_LINES);
      const lines: string[] = [];
      for (let i = start; i < end; i++) {
        const sid = Array.from(codes.subarray(i * levels, (i + 1) * levels));
        sid.push(digits[i]);
        const record: SemanticIdRecord = { id: ids[i], sid };
        lines.push(JSON.stringify(record));
      }
      await handle.write(lines.join('\n') + '\n');
    }
    await handle.close();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
  try {
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export interface SemanticIds {
  ids: string[];
  /** Row-major items x levels. */
  codes: Int32Array;
  digits: Int32Array;
  levels: number;
}

/**
 * Reads a `semantic_ids.jsonl` back (`semid ids`, `semid inspect`, the explorer),
 * streaming by line. Every problem is a DataError `file:line: what is wrong`.
 */
export async function readSemanticIds(file: string): Promise<SemanticIds> {
  const ids: string[] = [];
  const seen = new Map<string, number>();
  let codes: Int32Array = new Int32Array(1024);
  let digits: Int32Array = new Int32Array(256);
  let levels = -1;
  let lineNo = 0;
  for await (const line of linesOf(file)) {
    lineNo++;
    if (line.trim() === '') continue;
    const record = parseRecord(file, lineNo, line);
    const width = record.sid.length;
    if (levels < 0) levels = width - 1;
    else if (width !== levels + 1) {
      throw new DataError(file, lineNo, `"sid" has ${width} values, but earlier lines have ${levels + 1} (${levels} codes + digit)`);
    }
    const earlier = seen.get(record.id);
    if (earlier !== undefined) throw new DataError(file, lineNo, `id ${JSON.stringify(record.id)} already appeared on line ${earlier}`);
    seen.set(record.id, lineNo);
    const n = ids.length;
    if ((n + 1) * levels > codes.length) codes = grow(codes, (n + 1) * levels);
    if (n + 1 > digits.length) digits = grow(digits, n + 1);
    for (let l = 0; l < levels; l++) codes[n * levels + l] = record.sid[l];
    digits[n] = record.sid[levels];
    ids.push(record.id);
  }
  if (levels < 0) throw new DataError(file, 0, 'no semantic IDs in the file');
  return { ids, codes: codes.slice(0, ids.length * levels), digits: digits.slice(0, ids.length), levels };
}

function parseRecord(file: string, lineNo: number, line: string): SemanticIdRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new DataError(file, lineNo, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataError(file, lineNo, 'expected an object {"id": ..., "sid": [...]}');
  }
  const { id, sid } = value as Record<string, unknown>;
  if (typeof id !== 'string') throw new DataError(file, lineNo, '"id" must be a string');
  if (!Array.isArray(sid)) throw new DataError(file, lineNo, '"sid" must be an array of integers');
  if (sid.length < 2) throw new DataError(file, lineNo, `"sid" needs at least one code and the digit, got ${sid.length} value(s)`);
  for (let k = 0; k < sid.length; k++) {
    const v: unknown = sid[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new DataError(file, lineNo, `"sid"[${k}] = ${JSON.stringify(v)} is not a non-negative integer`);
    }
  }
  return { id, sid: sid as number[] };
}

function grow(a: Int32Array, need: number): Int32Array {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Lines of a UTF-8 file, yielded a chunk's worth at a time (readline's per-line
 * async iteration is several times slower at a million lines).
 */
async function* linesOf(file: string): AsyncGenerator<string> {
  let carry = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = carry + (chunk as string);
    const parts = text.split('\n');
    carry = parts.pop() ?? '';
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  if (carry !== '') yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}
