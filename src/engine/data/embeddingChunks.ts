/**
 * Streaming reader for binary embedding matrices (`.f32` raw little-endian float32,
 * `.npy` float32/float16): yields blocks of rows, so a catalog of any size is read in
 * memory bounded by one block (1M x 768 float32 is 3 GB: it must never be one array).
 * The whole-file loader (embeddings.ts) stays the path for training and small files.
 */
import { open, stat } from 'node:fs/promises';
import { endianness } from 'node:os';
import { extname } from 'node:path';
import { DataError } from './types';
import { readNpyHeader } from './npyHeader';
import { swapBytes32, widenFloat16 } from './binaryFloats';

/** Rows `start .. start+rows-1` of the matrix, row-major in `data` (rows x dim). */
export interface EmbeddingChunk {
  start: number;
  rows: number;
  dim: number;
  data: Float32Array;
}

export interface BinaryEmbeddingShape {
  rows: number;
  dim: number;
  element: 'f4' | 'f2';
  dataOffset: number;
}

/** Whether `file` is a format `readEmbeddingChunks` streams. */
export function isStreamableEmbeddings(file: string): boolean {
  const ext = extname(file).toLowerCase();
  return ext === '.f32' || ext === '.npy';
}

/** Rows, width and element type of a binary embeddings file, from its header or size. */
export async function binaryEmbeddingShape(file: string, dim: number | null): Promise<BinaryEmbeddingShape> {
  if (extname(file).toLowerCase() === '.npy') {
    const h = await readNpyHeader(file);
    if (dim !== null && dim !== h.dim) throw new DataError(file, 0, `the array has ${h.dim} columns, but data.embedding_dim is ${dim}`);
    return { rows: h.rows, dim: h.dim, element: h.type, dataOffset: h.dataOffset };
  }
  if (dim === null || !Number.isSafeInteger(dim) || dim <= 0) {
    throw new DataError(file, 0, 'raw .f32 embeddings have no shape: set data.embedding_dim (the vector length)');
  }
  const { size } = await stat(file);
  if (size === 0 || size % (4 * dim) !== 0) {
    throw new DataError(file, 0, `file size ${size} bytes is not a whole number of rows of ${dim} float32 values; check data.embedding_dim`);
  }
  return { rows: size / (4 * dim), dim, element: 'f4', dataOffset: 0 };
}

/**
 * Yields the matrix in blocks of `rowsPerChunk` rows. The yielded `data` is reused
 * for the next block: consume it before asking for the next one. Rows with NaN/Inf
 * are a DataError naming the row (counted from 0).
 */
export async function* readEmbeddingChunks(file: string, dim: number | null, rowsPerChunk = 16384): AsyncGenerator<EmbeddingChunk> {
  const shape = await binaryEmbeddingShape(file, dim);
  const width = shape.dim;
  const bytesPerValue = shape.element === 'f4' ? 4 : 2;
  const rowsCap = Math.max(1, Math.min(rowsPerChunk, shape.rows));
  const block = new Float32Array(rowsCap * width);
  const raw = shape.element === 'f4' ? Buffer.from(block.buffer) : Buffer.allocUnsafe(rowsCap * width * 2);
  const handle = await open(file, 'r');
  try {
    for (let start = 0; start < shape.rows; start += rowsCap) {
      const rows = Math.min(rowsCap, shape.rows - start);
      const want = rows * width * bytesPerValue;
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(raw, got, want - got, shape.dataOffset + start * width * bytesPerValue + got);
        if (bytesRead === 0) throw new DataError(file, 0, `the file ends inside row ${start + Math.floor(got / (width * bytesPerValue))}`);
        got += bytesRead;
      }
      const data = block.subarray(0, rows * width);
      if (shape.element === 'f2') widenFloat16(raw, data);
      else if (endianness() !== 'LE') swapBytes32(raw.subarray(0, want));
      const bad = firstNonFiniteRow(data, width);
      if (bad >= 0) throw new DataError(file, 0, `embedding row ${start + bad} (counted from 0) contains NaN or Inf values`);
      yield { start, rows, dim: width, data };
    }
  } finally {
    await handle.close();
  }
}

function firstNonFiniteRow(data: Float32Array, width: number): number {
  for (let k = 0; k < data.length; k++) {
    // v - v is NaN exactly when v is NaN or ±Infinity.
    if (data[k] - data[k] !== 0) return Math.floor(k / width);
  }
  return -1;
}
