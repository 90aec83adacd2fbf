/**
 * Catalog-scale assignment (issue 3, item 4): codes for a stream of embedding blocks
 * in memory bounded by one block plus the codes themselves (rows x levels int32: 12 MB
 * for 1M items at 3 levels; the collision digit needs all of them), and a JSONL writer
 * that emits lines block by block instead of building one string.
 */
import { open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { RqVae } from '../model/rqvae';
import type { EmbeddingChunk } from '../data/embeddingChunks';

export interface StreamedCodes {
  rows: number;
  levels: number;
  /** Row-major rows x levels. */
  codes: Int32Array;
}

/**
 * Assigns every row of `chunks` (in order, consecutive `start`s) with `model`.
 * `onChunk` sees each block's codes as they are made (progress, early output).
 */
export async function assignStream(
  model: RqVae,
  chunks: AsyncIterable<EmbeddingChunk> | Iterable<EmbeddingChunk>,
  onChunk?: (start: number, codes: Int32Array) => void,
): Promise<StreamedCodes> {
  const levels = model.levels;
  let codes = new Int32Array(1 << 16);
  let rows = 0;
  for await (const chunk of chunks) {
    if (chunk.start !== rows) throw new RangeError(`assignStream: block starts at row ${chunk.start}, expected ${rows}`);
    if (chunk.dim !== model.shape.inputDim) throw new RangeError(`the model takes ${model.shape.inputDim}-dim inputs; the embeddings have ${chunk.dim}`);
    const part = model.assign(chunk.data.subarray(0, chunk.rows * chunk.dim), chunk.rows);
    const need = (rows + chunk.rows) * levels;
    if (need > codes.length) {
      const grown = new Int32Array(Math.max(need, codes.length * 2));
      grown.set(codes.subarray(0, rows * levels));
      codes = grown;
    }
    codes.set(part, rows * levels);
    onChunk?.(chunk.start, part);
    rows += chunk.rows;
    // Let I/O callbacks (a stop signal, piped output) run between blocks.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { rows, levels, codes: codes.slice(0, rows * levels) };
}

/** Lines per write: big enough to be fast, small enough to never build one huge string. */
const LINES_PER_WRITE = 8192;

/**
 * Writes `count` lines, `lineOf(i)` each, to `file` (atomically: a temp file beside it,
 * then rename) or, when `file` is null, to stdout; block by block.
 */
export async function writeLinesProgressively(file: string | null, count: number, lineOf: (i: number) => string): Promise<void> {
  if (file === null) {
    for (let start = 0; start < count; start += LINES_PER_WRITE) {
      const text = block(start, Math.min(count, start + LINES_PER_WRITE), lineOf);
      if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
    return;
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const handle = await open(temp, 'w');
  try {
    for (let start = 0; start < count; start += LINES_PER_WRITE) {
      await handle.write(block(start, Math.min(count, start + LINES_PER_WRITE), lineOf));
    }
    await handle.close();
    await rename(temp, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
}

function block(start: number, end: number, lineOf: (i: number) => string): string {
  const lines: string[] = [];
  for (let i = start; i < end; i++) lines.push(lineOf(i));
  return lines.join('\n') + '\n';
}
