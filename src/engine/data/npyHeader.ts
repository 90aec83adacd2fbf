/**
 * The header of a NumPy `.npy` file (format versions 1-3): magic, version, then a
 * Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (r, d), }`.
 */
import { open } from 'node:fs/promises';
import { DataError } from './types';

export interface NpyHeader {
  /** 'f4' or 'f2', little-endian (the only element types the loader accepts). */
  type: 'f4' | 'f2';
  rows: number;
  dim: number;
  /** Byte offset where the data starts. */
  dataOffset: number;
}

const MAGIC = '\x93NUMPY';

export async function readNpyHeader(file: string): Promise<NpyHeader> {
  const handle = await open(file, 'r');
  let prefix: Buffer;
  let headerText: string;
  let dataOffset: number;
  try {
    prefix = Buffer.alloc(12);
    const { bytesRead } = await handle.read(prefix, 0, 12, 0);
    if (bytesRead < 10 || prefix.toString('latin1', 0, 6) !== MAGIC) {
      throw new DataError(file, 0, 'not a .npy file (the magic string \\x93NUMPY is missing)');
    }
    const major = prefix[6];
    let headerLength: number;
    if (major === 1) {
      headerLength = prefix.readUInt16LE(8);
      dataOffset = 10 + headerLength;
    } else if (major === 2 || major === 3) {
      headerLength = prefix.readUInt32LE(8);
      dataOffset = 12 + headerLength;
    } else {
      throw new DataError(file, 0, `unsupported .npy format version ${major}.${prefix[7]}`);
    }
    const header = Buffer.alloc(headerLength);
    const got = await handle.read(header, 0, headerLength, dataOffset - headerLength);
    if (got.bytesRead < headerLength) throw new DataError(file, 0, 'the .npy header is truncated');
    headerText = header.toString(major === 3 ? 'utf8' : 'latin1');
  } finally {
    await handle.close();
  }
  return { ...parseHeaderDict(file, headerText), dataOffset };
}

function parseHeaderDict(file: string, text: string): Omit<NpyHeader, 'dataOffset'> {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DataError(file, 0, `cannot read the .npy header (structured dtypes are not supported): ${text.trim()}`);
  }
  if (fortran === 'True') {
    throw new DataError(
      file,
      0,
      'the array is stored in Fortran (column-major) order; save it in C order, e.g. np.save(f, np.ascontiguousarray(a))',
    );
  }
  const type = elementType(file, descr);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.length !== 2 || shape.some((n) => !Number.isSafeInteger(n) || n < 0)) {
    throw new DataError(file, 0, `the array has shape (${shapeText.trim()}); expected a 2-D array (rows, dim)`);
  }
  return { type, rows: shape[0], dim: shape[1] };
}

function elementType(file: string, descr: string): 'f4' | 'f2' {
  if (descr === '<f4') return 'f4';
  if (descr === '<f2') return 'f2';
  if (descr === '>f4' || descr === '>f2') {
    throw new DataError(file, 0, `dtype '${descr}' is big-endian; save it as little-endian ('<f4'), e.g. a.astype('<f4')`);
  }
  throw new DataError(
    file,
    0,
    `dtype '${descr}' is not supported; save the embeddings as float32 ('<f4') or float16 ('<f2'), e.g. a.astype('float32')`,
  );
}
