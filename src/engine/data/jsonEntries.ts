/**
 * Streams the top-level entries of a JSON file (`{key: value, ...}` or `[value, ...]`)
 * one at a time, so a large keyed object never has to be one string or one Map.
 * Each entry's text is cut out by a small scanner (depth and string state only) and
 * then handed to the JSON parser.
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { DataError } from './types';
import { parseLenientJson } from './lenientJson';

export interface JsonEntry {
  /** The member's key for a top-level object; null for an array element. */
  key: string | null;
  value: unknown;
  /** 1-based line where the entry starts. */
  line: number;
}

const CHUNK_BYTES = 1 << 20;

/** Yields the entries of the top-level object or array in `file`, with the line each starts on. */
export async function* readJsonEntries(
  file: string,
  options: { chunkBytes?: number } = {},
): AsyncGenerator<JsonEntry> {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const handle = await open(file, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.allocUnsafe(chunkBytes);
    let container: 'object' | 'array' | null = null;
    let closed = false;
    let depth = 0; // nesting depth below the top-level container
    let inString = false;
    let escaped = false;
    let line = 1;
    let entryCount = 0;
    // The entry being cut out: earlier chunks' pieces, plus the current chunk from segStart.
    let pieces: string[] = [];
    let segStart = 0;
    let entryHasText = false;
    let entryLine = 0;
    let first = true;

    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
      const chunk = bytesRead > 0 ? decoder.write(buffer.subarray(0, bytesRead)) : decoder.end();
      let i = 0;
      if (first && chunk.length > 0) {
        if (chunk.charCodeAt(0) === 0xfeff) i = 1; // UTF-8 byte-order mark
        first = false;
      }
      const ready: JsonEntry[] = [];
      for (; i < chunk.length; i++) {
        const ch = chunk.charCodeAt(i);
        if (ch === 0x0a) line += 1;
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === 0x5c) escaped = true;
          else if (ch === 0x22) inString = false;
          continue;
        }
        const blank = ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09;
        if (container === null || closed) {
          if (blank) continue;
          if (closed) throw new DataError(file, line, 'unexpected text after the end of the top-level JSON value');
          if (ch === 0x7b) container = 'object';
          else if (ch === 0x5b) container = 'array';
          else throw new DataError(file, line, 'expected a JSON object or array at the top level');
          continue;
        }
        if (depth === 0 && (ch === 0x2c /* , */ || ch === 0x7d /* } */ || ch === 0x5d /* ] */)) {
          const closer = container === 'object' ? 0x7d : 0x5d;
          if (ch !== 0x2c && ch !== closer) {
            throw new DataError(file, line, `invalid JSON: unexpected '${String.fromCharCode(ch)}'`);
          }
          if (entryHasText) {
            pieces.push(chunk.slice(segStart, i));
            ready.push(parseEntry(file, container === 'object', pieces.join(''), entryLine));
            pieces = [];
            entryHasText = false;
            entryCount += 1;
          } else if (ch === 0x2c || entryCount > 0) {
            // Only a whole body may be empty (`{}` / `[]`).
            throw new DataError(file, line, 'invalid JSON: empty entry (stray comma?)');
          }
          if (ch !== 0x2c) closed = true;
          continue;
        }
        if (!blank && !entryHasText) {
          entryHasText = true;
          segStart = i;
          entryLine = line;
        }
        if (ch === 0x22) inString = true;
        else if (ch === 0x7b || ch === 0x5b) depth += 1;
        else if (ch === 0x7d || ch === 0x5d) depth -= 1;
      }
      if (entryHasText) pieces.push(chunk.slice(segStart));
      segStart = 0;
      // A chunk's entries are handed out before the next read, so memory stays one chunk deep.
      for (const entry of ready) yield entry;
      if (bytesRead === 0) break;
    }
    if (container === null) throw new DataError(file, 0, 'the file is empty (expected a JSON object or array)');
    if (!closed) throw new DataError(file, line, 'unexpected end of file inside the top-level JSON value');
  } finally {
    await handle.close();
  }
}

function parseEntry(file: string, isMember: boolean, text: string, line: number): JsonEntry {
  const wrapped = isMember ? `{${text}}` : text;
  let parsed: unknown;
  try {
    parsed = parseLenientJson(wrapped);
  } catch (error) {
    throw new DataError(file, line, `invalid JSON: ${(error as Error).message}`);
  }
  if (!isMember) return { key: null, value: parsed, line };
  const record = parsed as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== 1) throw new DataError(file, line, 'invalid JSON: expected one "key": value member');
  return { key: keys[0], value: record[keys[0]], line };
}
