import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TF, Variable } from '../tf/types';
import { writeFileAtomic } from '../run/atomicWrite';

/**
 * Named float32 tensors in two files: `<base>.json` (names, shapes, offsets) and
 * `<base>.bin` (little-endian float32, concatenated). Used by model/ and checkpoint/.
 */
export interface TensorManifest {
  format: 'semid-tensors-1';
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
  /** Anything the caller wants stored beside the tensors. */
  meta: Record<string, unknown>;
}

export function writeTensors(dir: string, base: string, tensors: { name: string; tensor: Variable }[], meta: Record<string, unknown>): void {
  const entries: TensorManifest['tensors'] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const { name, tensor } of tensors) {
    const values = tensor.dataSync() as Float32Array;
    entries.push({ name, shape: tensor.shape.slice(), offset, length: values.length });
    chunks.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
    offset += values.length;
  }
  writeFileAtomic(path.join(dir, `${base}.bin`), Buffer.concat(chunks));
  const manifest: TensorManifest = { format: 'semid-tensors-1', tensors: entries, meta };
  writeFileAtomic(path.join(dir, `${base}.json`), JSON.stringify(manifest, null, 1));
}

/** A tensor file that cannot be what writeTensors wrote: it names the file and what is wrong. */
export class CorruptTensorFileError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'CorruptTensorFileError';
  }
}

export function readManifest(dir: string, base: string): TensorManifest {
  const file = path.join(dir, `${base}.json`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CorruptTensorFileError(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let manifest: TensorManifest;
  try {
    manifest = JSON.parse(text) as TensorManifest;
  } catch (e) {
    throw new CorruptTensorFileError(file, `not valid JSON, truncated or corrupt (${(e as Error).message})`);
  }
  if (typeof manifest !== 'object' || manifest === null || manifest.format !== 'semid-tensors-1') throw new CorruptTensorFileError(file, 'not a semid tensor manifest');
  if (!Array.isArray(manifest.tensors)) throw new CorruptTensorFileError(file, "no 'tensors' list");
  let next = 0;
  for (const [i, t] of manifest.tensors.entries()) {
    const where = `tensor ${i}${typeof t?.name === 'string' ? ` (${t.name})` : ''}`;
    if (typeof t?.name !== 'string' || !Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new CorruptTensorFileError(file, `${where}: needs a name and a shape of non-negative integers`);
    }
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.length !== size || t.offset !== next) {
      throw new CorruptTensorFileError(file, `${where}: offset ${t.offset} and length ${t.length} do not follow from the shapes (expected offset ${next}, length ${size})`);
    }
    next += size;
  }
  return manifest;
}

/** Values a manifest needs from its .bin file. */
function manifestValues(manifest: TensorManifest): number {
  return manifest.tensors.reduce((sum, t) => sum + t.length, 0);
}

/**
 * Reads `<base>.bin` and checks it against the manifest: exactly the bytes it lists
 * (a truncated or padded file is corrupt) and only finite values (NaN or Inf weights
 * cannot come from a healthy save and would poison every later step).
 */
export function readTensorValues(dir: string, base: string, manifest: TensorManifest): Float32Array {
  const binFile = path.join(dir, `${base}.bin`);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(binFile);
  } catch (e) {
    throw new CorruptTensorFileError(binFile, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const want = 4 * manifestValues(manifest);
  if (buf.byteLength !== want) {
    throw new CorruptTensorFileError(binFile, `${buf.byteLength} bytes, but its manifest lists ${want} (${want / 4} float32 values): ${buf.byteLength < want ? 'truncated' : 'trailing data'}`);
  }
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const bad: string[] = [];
  for (const t of manifest.tensors) {
    let count = 0;
    for (let k = t.offset; k < t.offset + t.length; k++) if (all[k] - all[k] !== 0) count++;
    if (count > 0) bad.push(`${t.name} (${count} of ${t.length})`);
  }
  if (bad.length > 0) throw new CorruptTensorFileError(binFile, `NaN or Inf values in ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more tensors` : ''}`);
  return all;
}

/** Assigns stored values to `targets` by name; every target must be present with its shape. */
export function readTensorsInto(tf: TF, dir: string, base: string, targets: { name: string; tensor: Variable }[]): TensorManifest {
  const manifest = readManifest(dir, base);
  const binFile = path.join(dir, `${base}.bin`);
  const all = readTensorValues(dir, base, manifest);
  const byName = new Map(manifest.tensors.map((t) => [t.name, t]));
  for (const { name, tensor } of targets) {
    const entry = byName.get(name);
    if (!entry) throw new CorruptTensorFileError(binFile, `tensor ${name} missing`);
    if (entry.shape.join('x') !== tensor.shape.join('x')) {
      throw new CorruptTensorFileError(binFile, `tensor ${name} has shape ${entry.shape.join('x')}, expected ${tensor.shape.join('x')}`);
    }
    tf.tidy(() => tensor.assign(tf.tensor(all.subarray(entry.offset, entry.offset + entry.length), entry.shape)));
  }
  return manifest;
}
