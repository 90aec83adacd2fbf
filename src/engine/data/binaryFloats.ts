/**
 * Reads little-endian float32 / float16 rows from a binary file, chunk by chunk,
 * straight into one preallocated Float32Array (no intermediate copy of the file).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { DataError } from './types';

const CHUNK_BYTES = 64 << 20;

/** `count` little-endian float32 values starting at `byteOffset`. */
export async function readFloat32(file: string, byteOffset: number, count: number): Promise<Float32Array> {
  const out = new Float32Array(count);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  await readExactly(file, byteOffset, bytes);
  if (endianness() !== 'LE') swapBytes32(bytes);
  return out;
}

/** `count` little-endian float16 values starting at `byteOffset`, widened to float32. */
export async function readFloat16(file: string, byteOffset: number, count: number): Promise<Float32Array> {
  const out = new Float32Array(count);
  const handle = await open(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, count * 2));
    let done = 0;
    while (done < count) {
      const want = Math.min(chunk.length >> 1, count - done);
      const got = await readFully(handle, chunk, want * 2, byteOffset + done * 2);
      if (got < want * 2) throw truncated(file, byteOffset, count * 2, done * 2 + got);
      widenFloat16(chunk, out.subarray(done, done + want));
      done += want;
    }
  } finally {
    await handle.close();
  }
  return out;
}

async function readExactly(file: string, byteOffset: number, target: Uint8Array): Promise<void> {
  const handle = await open(file, 'r');
  try {
    let done = 0;
    while (done < target.length) {
      const want = Math.min(CHUNK_BYTES, target.length - done);
      const view = target.subarray(done, done + want);
      const got = await readFully(handle, view, want, byteOffset + done);
      if (got < want) throw truncated(file, byteOffset, target.length, done + got);
      done += want;
    }
  } finally {
    await handle.close();
  }
}

/** Fills `target[0, length)` from `position`; returns fewer bytes only at end of file. */
async function readFully(
  handle: FileHandle,
  target: Uint8Array,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(target, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

function truncated(file: string, offset: number, expected: number, found: number): DataError {
  return new DataError(
    file,
    0,
    `file is truncated: expected ${expected} bytes of data after byte ${offset}, found ${found}`,
  );
}

/** Reverses each 4-byte group in place (little-endian file data on a big-endian host). */
export function swapBytes32(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const b0 = bytes[i];
    const b1 = bytes[i + 1];
    bytes[i] = bytes[i + 3];
    bytes[i + 1] = bytes[i + 2];
    bytes[i + 2] = b1;
    bytes[i + 3] = b0;
  }
}

/** Widens little-endian float16 values (`raw`, 2 bytes each) into `out`. */
export function widenFloat16(raw: Uint8Array, out: Float32Array): void {
  const table = halfTable();
  for (let k = 0; k < out.length; k++) out[k] = table[raw[2 * k] | (raw[2 * k + 1] << 8)];
}

let halfToFloat: Float32Array | null = null;

/** All 65,536 IEEE 754 half-precision values as float32 (a lookup beats per-value bit math). */
function halfTable(): Float32Array {
  if (halfToFloat !== null) return halfToFloat;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) table[h] = sign * fraction * 2 ** -24;
    else if (exponent === 31) table[h] = fraction === 0 ? sign * Infinity : NaN;
    else table[h] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  halfToFloat = table;
  return table;
}
