/**
 * Loads an embedding matrix from `.npy` (float32/float16), raw little-endian `.f32`,
 * `.jsonl` or `.csv`, and refuses rows with NaN/Inf (training cannot go on with them).
 */
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataError, type EmbeddingMatrix } from './types';
import { readNpyHeader } from './npyHeader';
import { readFloat16, readFloat32 } from './binaryFloats';
import { readCsvRows, readJsonlRows } from './textEmbeddings';

/** The matrix as stored, plus the row ids when the file carries them (JSONL/CSV). */
export interface LoadedEmbeddings extends EmbeddingMatrix {
  ids: string[] | null;
}

export interface EmbeddingLoadOptions {
  /** data.embedding_dim: required for raw `.f32`, checked against the file otherwise. */
  dim: number | null;
  /**
   * Rows a raw `.f32` must hold (data.item_index's largest row + 1, or the catalog's
   * item count) and where that number comes from: a raw file has no shape, so this is
   * the only check that catches a wrong data.embedding_dim.
   */
  expectedRows?: { rows: number; from: string };
}

const MAX_EXAMPLES = 5;

export async function loadEmbeddings(file: string, opts: EmbeddingLoadOptions): Promise<LoadedEmbeddings> {
  const ext = extname(file).toLowerCase();
  switch (ext) {
    case '.npy':
      return loadNpy(file, opts.dim);
    case '.f32':
      return loadRawF32(file, opts.dim, opts.expectedRows ?? null);
    case '.jsonl':
    case '.csv': {
      const rows = ext === '.jsonl' ? await readJsonlRows(file, opts.dim) : await readCsvRows(file, opts.dim);
      if (rows.badRows > 0) throw nonFiniteError(file, rows.badRows, `lines ${rows.badLines.join(', ')}`);
      return { rows: rows.rows, dim: rows.dim, data: rows.data, ids: rows.ids };
    }
    default:
      throw new DataError(file, 0, `unsupported embeddings format '${ext}' (expected .npy, .f32, .jsonl or .csv)`);
  }
}

async function loadNpy(file: string, dim: number | null): Promise<LoadedEmbeddings> {
  const header = await readNpyHeader(file);
  if (dim !== null && dim !== header.dim) {
    throw new DataError(file, 0, `the array has ${header.dim} columns, but data.embedding_dim is ${dim}`);
  }
  const count = header.rows * header.dim;
  const data =
    header.type === 'f4'
      ? await readFloat32(file, header.dataOffset, count)
      : await readFloat16(file, header.dataOffset, count);
  return checked(file, { rows: header.rows, dim: header.dim, data, ids: null });
}

async function loadRawF32(file: string, dim: number | null, expected: { rows: number; from: string } | null): Promise<LoadedEmbeddings> {
  if (dim === null || !Number.isSafeInteger(dim) || dim <= 0) {
    throw new DataError(file, 0, 'raw .f32 embeddings have no shape: set data.embedding_dim (the vector length)');
  }
  const { size } = await stat(file);
  const rowBytes = 4 * dim;
  if (expected !== null && size !== expected.rows * rowBytes) throw misaligned(file, size, dim, expected);
  if (size === 0 || size % rowBytes !== 0) {
    throw new DataError(
      file,
      0,
      `file size ${size} bytes is not a whole number of rows of ${dim} float32 values (${rowBytes} bytes each); check data.embedding_dim`,
    );
  }
  const rows = size / rowBytes;
  const data = await readFloat32(file, 0, rows * dim);
  return checked(file, { rows, dim, data, ids: null });
}

/** A raw file whose size is not rows x data.embedding_dim: say which key is wrong and what would fit. */
function misaligned(file: string, size: number, dim: number, expected: { rows: number; from: string }): DataError {
  const want = expected.rows * 4 * dim;
  const fitting = expected.rows > 0 && size % (4 * expected.rows) === 0 ? size / (4 * expected.rows) : null;
  const hint =
    fitting !== null
      ? `; the size fits ${expected.rows} rows of ${fitting} values: is data.embedding_dim ${fitting}?`
      : `; no whole number of values per row fits ${expected.rows} rows, so the file and the rows it must hold come from different catalogs`;
  return new DataError(
    file,
    0,
    `data.embedding_dim is ${dim}, but this raw .f32 file has ${size} bytes; ${expected.from} needs ${expected.rows} rows: ` +
      `expected ${expected.rows} x ${dim} float32 = ${want} bytes${hint}`,
  );
}

/** Binary matrices are scanned once after loading for NaN/Inf rows. */
function checked(file: string, matrix: LoadedEmbeddings): LoadedEmbeddings {
  const { rows, dim, data } = matrix;
  let bad = 0;
  const examples: number[] = [];
  for (let r = 0; r < rows; r++) {
    const end = (r + 1) * dim;
    for (let k = r * dim; k < end; k++) {
      // v - v is NaN exactly when v is NaN or ±Infinity.
      if (data[k] - data[k] !== 0) {
        bad += 1;
        if (examples.length < MAX_EXAMPLES) examples.push(r);
        break;
      }
    }
  }
  if (bad > 0) throw nonFiniteError(file, bad, `rows ${examples.join(', ')}, counted from 0`);
  return matrix;
}

function nonFiniteError(file: string, count: number, where: string): DataError {
  return new DataError(
    file,
    0,
    `${count} embedding row${count === 1 ? '' : 's'} contain NaN or Inf values (first: ${where}); training cannot go on with them: fix or drop these rows`,
  );
}
