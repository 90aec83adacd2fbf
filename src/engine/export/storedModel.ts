/**
 * A run's model/ read without a tensor runtime: the architecture and every named
 * float32 tensor, as the trainer stored them (model/weights.json + weights.bin).
 * Export needs the numbers only, so it starts no tfjs backend.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RqVaeShape } from '../model/rqvae';
import type { TensorManifest } from '../model/tensorFile';

export interface StoredTensor {
  shape: number[];
  data: Float32Array;
}

export interface StoredModel {
  shape: RqVaeShape;
  tensors: Map<string, StoredTensor>;
  /** Whatever the trainer stored beside the tensors (besides the shape). */
  meta: Record<string, unknown>;
}

/** A run directory that cannot be exported: names the file and what is wrong. */
export class ExportInputError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ExportInputError';
  }
}

export function readStoredModel(modelDir: string): StoredModel {
  const manifestFile = path.join(modelDir, 'weights.json');
  const binFile = path.join(modelDir, 'weights.bin');
  if (!fs.existsSync(modelDir)) throw new ExportInputError(modelDir, 'no trained model here (is it a completed run directory?)');
  if (!fs.existsSync(manifestFile)) throw new ExportInputError(manifestFile, 'missing: the model directory has no weights manifest');
  if (!fs.existsSync(binFile)) throw new ExportInputError(binFile, 'missing: the model directory has no weights');
  let manifest: TensorManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as TensorManifest;
  } catch (e) {
    throw new ExportInputError(manifestFile, `not readable JSON (${(e as Error).message})`);
  }
  if (manifest.format !== 'semid-tensors-1') throw new ExportInputError(manifestFile, 'not a semid tensor manifest');
  const shape = manifest.meta?.shape as RqVaeShape | undefined;
  if (!shape || !Array.isArray(shape.codebookSizes) || !Number.isInteger(shape.inputDim)) {
    throw new ExportInputError(manifestFile, 'the manifest has no model architecture (meta.shape)');
  }
  const buf = fs.readFileSync(binFile);
  if (buf.byteLength % 4 !== 0) throw new ExportInputError(binFile, `${buf.byteLength} bytes is not a whole number of float32 values`);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const tensors = new Map<string, StoredTensor>();
  for (const entry of manifest.tensors) {
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (count !== entry.length || entry.offset + entry.length > all.length) {
      throw new ExportInputError(binFile, `tensor ${entry.name} (${entry.shape.join('x')} at ${entry.offset}) does not fit the ${all.length} stored values`);
    }
    tensors.set(entry.name, { shape: entry.shape.slice(), data: all.subarray(entry.offset, entry.offset + entry.length) });
  }
  const { shape: _shape, ...meta } = manifest.meta;
  return { shape, tensors, meta };
}

/** The tensor `name` with `shape`, or an error naming the weights file. */
export function tensorOf(model: StoredModel, modelDir: string, name: string, shape: number[]): Float32Array {
  const t = model.tensors.get(name);
  const file = path.join(modelDir, 'weights.bin');
  if (!t) throw new ExportInputError(file, `tensor ${name} missing`);
  if (t.shape.join('x') !== shape.join('x')) throw new ExportInputError(file, `tensor ${name} has shape ${t.shape.join('x')}, expected ${shape.join('x')}`);
  return t.data;
}
