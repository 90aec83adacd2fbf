/**
 * How alike the latents of a catalog are before training (issue 13): mean cosine of z
 * and of the quantized q over random item pairs and over kept co-occurring pairs, raw
 * and after removing the batch mean. A mean cosine near 1 leaves a cosine InfoNCE no
 * room to tell pairs apart.
 *
 *   nice -n 10 npx tsx bench/latentCosine.ts <experiment.yaml>
 */
import * as path from 'node:path';
import { loadExperiment } from '../src/engine/config';
import { initBackend } from '../src/engine/tf/backend';
import { loadDataset } from '../src/engine/data/dataset';
import { featurizeCatalog } from '../src/engine/features/featurize';
import { RqVae } from '../src/engine/model/rqvae';
import { quantize } from '../src/engine/model/residualQuantizer';
import { minePairs } from '../src/engine/pairs';
import { Random } from '../src/engine/util/random';
import type { Scalar, Tensor2D } from '../src/engine/tf/types';
import { duplicateMasks, symmetricInfoNce, straightThroughQuantized } from '../src/engine/method/infoNce';

async function main(): Promise<void> {
  const config = await loadExperiment(path.resolve(process.argv[2]), process.argv.slice(3));
  const { tf } = await initBackend(config.engine.backend, config.engine.threads);
  const dataset = await loadDataset(config.data);
  const features = dataset.embeddings ?? featurizeCatalog(dataset.catalog, { textFields: config.data.text_fields, dim: config.features.dim, seed: 0 }).matrix;
  const random = new Random(1);
  const model = new RqVae(tf, { inputDim: features.dim, encoder: config.model.encoder, latentDim: config.model.latent_dim, codebookSizes: config.model.codebook_size }, random);
  const rows = 4096;
  const pick = random.permutation(features.rows).subarray(0, rows);
  const sample = new Float32Array(rows * features.dim);
  pick.forEach((r, i) => sample.set(features.data.subarray(r * features.dim, (r + 1) * features.dim), i * features.dim));
  await model.initCodebooksFromSample(sample, rows, random);
  const mined = minePairs(dataset.interactions!.train, features.rows, config.collab.pairs);
  const n = 2048;
  const take = (ids: ArrayLike<number>): Tensor2D => {
    const out = new Float32Array(n * features.dim);
    for (let i = 0; i < n; i++) out.set(features.data.subarray(ids[i] * features.dim, (ids[i] + 1) * features.dim), i * features.dim);
    return tf.tensor2d(out, [n, features.dim]);
  };
  const randA = Int32Array.from({ length: n }, () => random.int(features.rows));
  const randB = Int32Array.from({ length: n }, () => random.int(features.rows));
  const pairIdx = Int32Array.from({ length: n }, () => random.int(mined.kept));
  const pairA = Int32Array.from(pairIdx, (p) => mined.a[p]);
  const pairB = Int32Array.from(pairIdx, (p) => mined.b[p]);
  const stat = (a: Tensor2D, b: Tensor2D, centre: boolean): number =>
    tf.tidy(() => {
      const c = (x: Tensor2D): Tensor2D => (centre ? (tf.sub(x, tf.mean(x, 0, true)) as Tensor2D) : x);
      const u = (x: Tensor2D): Tensor2D => tf.div(x, tf.norm(x, 2, 1, true)) as Tensor2D;
      return tf.mean(tf.sum(tf.mul(u(c(a)), u(c(b))), 1)).dataSync()[0];
    });
  for (const [what, A, B] of [['random', randA, randB], ['pairs', pairA, pairB]] as const) {
    tf.tidy(() => {
      const za = model.encode(take(A));
      const zb = model.encode(take(B));
      const qa = quantize(tf, za, model.codebooks).quantized;
      const qb = quantize(tf, zb, model.codebooks).quantized;
      const x = (ids: Int32Array) => take(ids);
      console.log(
        `${what}: cos(x) ${stat(x(A), x(B), false).toFixed(3)} centred ${stat(x(A), x(B), true).toFixed(3)} | ` +
          `cos(z) ${stat(za, zb, false).toFixed(3)} centred ${stat(za, zb, true).toFixed(3)} | cos(q) ${stat(qa, qb, false).toFixed(3)} centred ${stat(qa, qb, true).toFixed(3)}`,
      );
    });
  }
  // Gradient norms at the encoder's weights: the collaborative term (weight 0.1, t 0.1,
  // 512 pairs) against the RQ-VAE loss of a 1,024-item batch, for each target and similarity.
  const encoderVars = [...model.encoder.weights, ...model.encoder.biases];
  const norm = (f: () => Scalar): number =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(f, encoderVars);
      return Math.sqrt(Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0));
    });
  const m = 512;
  const pa = take(pairA).slice([0, 0], [m, -1]) as Tensor2D;
  const pb = take(pairB).slice([0, 0], [m, -1]) as Tensor2D;
  const batch = take(randA).slice([0, 0], [1024 > n ? n : 1024, -1]) as Tensor2D;
  const masks = duplicateMasks(tf, pairA.subarray(0, m), pairB.subarray(0, m)) ?? undefined;
  console.log(`rqvae loss: encoder gradient norm ${norm(() => model.forward(batch, 0.25).total.reshape([]) as Scalar).toExponential(3)}`);
  for (const target of ['latent', 'quantized'] as const) {
    for (const centred of [false, true]) {
      const g = norm(() => {
        const side = (x: Tensor2D): Tensor2D => {
          const z = model.encode(x);
          return target === 'latent' ? z : straightThroughQuantized(tf, z, quantize(tf, z, model.codebooks).quantized);
        };
        return tf.mul(symmetricInfoNce(tf, side(pa), side(pb), 0.1, { centred, duplicates: masks }), 0.1) as Scalar;
      });
      console.log(`collab x 0.1, ${target}, ${centred ? 'centred' : 'cosine'}: encoder gradient norm ${g.toExponential(3)}`);
    }
  }
  const repeats = (ids: Int32Array): number => m - new Set(ids.subarray(0, m)).size;
  console.log(`${m} pairs: ${repeats(pairA)} repeated a-items, ${repeats(pairB)} repeated b-items`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
