/**
 * No leaked tensors on the training path (issue 3, item 2): 10,000 steps of a small
 * RQ-VAE (32 -> 16 -> 8, 2 x 8 codes, batch 32, Adam) through the engine's own
 * kernels (fused dense layers, the lazy matMul gradient, the gather gradient, detached
 * views) must leave tf.memory().numTensors where it was after the first step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/engine/tf/backend';
import { RqVae } from '../../src/engine/model/rqvae';
import { Optimizer } from '../../src/engine/model/optimizer';
import { Random } from '../../src/engine/util/random';
import type { Scalar, Tensor } from '../../src/engine/tf/types';

test('10,000 training steps of a small model leak no tensors (wasm)', async () => {
  const { tf } = await initBackend('wasm', null);
  const random = new Random(7);
  const dim = 32;
  const batch = 32;
  const rows = 256;
  // Rank-4 data: an 8-d latent can learn it, so a falling loss shows the steps work
  // (the quantization terms of 2 x 8 codes keep it well above 0).
  const basis = Array.from({ length: 4 * dim }, () => random.normal() / 2);
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const u = [random.normal(), random.normal(), random.normal(), random.normal()];
    for (let c = 0; c < dim; c++) data[r * dim + c] = u[0] * basis[c] + u[1] * basis[dim + c] + u[2] * basis[2 * dim + c] + u[3] * basis[3 * dim + c];
  }
  const model = new RqVae(tf, { inputDim: dim, encoder: [16], latentDim: 8, codebookSizes: [8, 8] }, random);
  const optimizer = new Optimizer(tf, model.variables(), { name: 'adam', lr: 1e-3, weightDecay: 0 });
  const variables = model.variables();
  const buffer = new Float32Array(batch * dim);
  const step = (s: number): number => {
    const start = (s * batch) % (rows - batch);
    buffer.set(data.subarray(start * dim, (start + batch) * dim));
    let codes: Tensor | null = null;
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(buffer, [batch, dim]);
      const { value, grads } = tf.variableGrads(() => {
        const fwd = model.forward(x, 0.25);
        codes = tf.keep(tf.stack(fwd.quantizer.levels.map((l) => l.codes), 1));
        return fwd.total.reshape([]) as Scalar;
      }, variables);
      optimizer.apply(variables.map((v) => grads[v.name] ?? null));
      return value.dataSync()[0];
    });
    (codes as unknown as Tensor).dispose();
    return loss;
  };
  const losses = new Float64Array(10_000);
  losses[0] = step(0);
  const baseline = tf.memory().numTensors;
  const counts: number[] = [];
  for (let s = 1; s < 10_000; s++) {
    losses[s] = step(s);
    if (s % 1000 === 0) counts.push(tf.memory().numTensors);
  }
  const mean = (a: Float64Array): number => a.reduce((x, y) => x + y, 0) / a.length;
  const first = mean(losses.subarray(0, 100));
  const last = mean(losses.subarray(9_900));
  assert.ok(Number.isFinite(last), `loss became ${last}`);
  assert.ok(last < 0.95 * first, `the model did not learn (mean loss ${first} -> ${last}): the steps did not run as steps`);
  assert.deepEqual(counts, counts.map(() => baseline), `tensor count drifted from ${baseline}: ${counts.join(', ')}`);
  // Assignment (the streaming path's kernel) must not leak either.
  const before = tf.memory().numTensors;
  const assigned = model.assign(data, rows, 64);
  assert.equal(assigned.length, rows * 2);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  optimizer.dispose();
});
