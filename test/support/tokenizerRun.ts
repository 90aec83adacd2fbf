/**
 * A synthetic run directory for export and Ray tests: clustered float32 embeddings,
 * a model whose codebooks are k-means++ initialised on them (what training starts
 * from; realistic code usage without minutes of training), model/, config.yaml and
 * semantic_ids.jsonl as the trainer writes them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TF } from '../../src/engine/tf/types';
import { RqVae, type RqVaeShape } from '../../src/engine/model/rqvae';
import { saveModel } from '../../src/engine/model/modelFile';
import { Random } from '../../src/engine/util/random';
import { assignCollisionDigits } from '../../src/engine/ids/collisionDigit';
import { writeSemanticIds } from '../../src/engine/ids/semanticIdsFile';

export interface SyntheticRun {
  runDir: string;
  model: RqVae;
  /** The catalog's own embeddings (row i = item i), float32 row-major. */
  embeddings: Float32Array;
  ids: string[];
  codes: Int32Array;
}

/** Items around `clusters` centres (a stream derived from seed and 'synthetic-embeddings'). */
export function clusteredEmbeddings(items: number, dim: number, seed: number, clusters = 48): Float32Array {
  const random = new Random(seed * 7919 + 101); // purpose: synthetic embeddings
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = random.normal();
  const out = new Float32Array(items * dim);
  for (let i = 0; i < items; i++) {
    const c = random.int(clusters);
    for (let j = 0; j < dim; j++) out[i * dim + j] = centres[c * dim + j] + 0.35 * random.normal();
  }
  return out;
}

export async function syntheticRun(tf: TF, root: string, opts: { items: number; shape?: Partial<RqVaeShape>; seed?: number }): Promise<SyntheticRun> {
  const seed = opts.seed ?? 0;
  const shape: RqVaeShape = { inputDim: 24, encoder: [48, 32], latentDim: 12, codebookSizes: [16, 16, 16], ...opts.shape };
  const runDir = path.join(root, 'synthetic', `run-${seed}`);
  fs.mkdirSync(runDir, { recursive: true });
  const embeddings = clusteredEmbeddings(opts.items, shape.inputDim, seed);
  const ids = Array.from({ length: opts.items }, (_, i) => `item${i}`);
  fs.writeFileSync(path.join(runDir, 'embeddings.f32'), embeddings);
  fs.writeFileSync(path.join(runDir, 'items.jsonl'), ids.map((id) => JSON.stringify({ id, title: id })).join('\n') + '\n');
  const model = new RqVae(tf, shape, new Random(seed)); // purpose: weights (the trainer's own stream)
  const sample = Math.min(opts.items, 2000);
  // Rows of the model's full width: a fused part (if any) of zeros, as for new items.
  const rows = new Float32Array(sample * model.rowWidth);
  for (let i = 0; i < sample; i++) rows.set(embeddings.subarray(i * shape.inputDim, (i + 1) * shape.inputDim), i * model.rowWidth);
  await model.initCodebooksFromSample(rows, sample, new Random(seed + 1)); // purpose: k-means (awaited: the saved model is the one that assigns)
  saveModel(path.join(runDir, 'model'), model, {});
  fs.writeFileSync(
    path.join(runDir, 'config.yaml'),
    [
      'name: synthetic',
      'data:',
      '  items: items.jsonl',
      '  id_field: id',
      '  embeddings: embeddings.f32',
      `  embedding_dim: ${shape.inputDim}`,
      'model:',
      `  encoder: [${shape.encoder.join(', ')}]`,
      `  latent_dim: ${shape.latentDim}`,
      `  levels: ${shape.codebookSizes.length}`,
      `  codebook_size: [${shape.codebookSizes.join(', ')}]`,
      '',
    ].join('\n'),
  );
  const codes = model.assign(embeddings, opts.items);
  const levels = shape.codebookSizes.length;
  await writeSemanticIds(path.join(runDir, 'semantic_ids.jsonl'), ids, codes, assignCollisionDigits(codes, opts.items, levels), levels);
  return { runDir, model, embeddings, ids, codes };
}
