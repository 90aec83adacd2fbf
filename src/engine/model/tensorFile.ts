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

export function readManifest(dir: string, base: string): TensorManifest {
  const file = path.join(dir, `${base}.json`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as TensorManifest;
  if (manifest.format !== 'semid-tensors-1') throw new Error(`${file}: not a semid tensor manifest`);
  return manifest;
}

/** Assigns stored values to `targets` by name; every target must be present with its shape. */
export function readTensorsInto(tf: TF, dir: string, base: string, targets: { name: string; tensor: Variable }[]): TensorManifest {
  const manifest = readManifest(dir, base);
  const binFile = path.join(dir, `${base}.bin`);
  const buf = fs.readFileSync(binFile);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const byName = new Map(manifest.tensors.map((t) => [t.name, t]));
  for (const { name, tensor } of targets) {
    const entry = byName.get(name);
    if (!entry) throw new Error(`${binFile}: tensor ${name} missing`);
    if (entry.shape.join('x') !== tensor.shape.join('x')) {
      throw new Error(`${binFile}: tensor ${name} has shape ${entry.shape.join('x')}, expected ${tensor.shape.join('x')}`);
    }
    tf.tidy(() => tensor.assign(tf.tensor(all.subarray(entry.offset, entry.offset + entry.length), entry.shape)));
  }
  return manifest;
}
