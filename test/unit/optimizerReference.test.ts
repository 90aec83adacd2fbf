/**
 * The optimizers proven (issue 8, item 3): the engine's Adam, AdamW and Adagrad follow
 * tfjs's tf.train.adam / tf.train.adagrad, and the published update rules written out
 * below in float64, over 200 steps on random quadratic problems.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

import { Optimizer } from '../../src/engine/model/optimizer';
import type { OptimizerName } from '../../src/engine/config/experiment';
import { Random } from '../../src/engine/util/random';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const STEPS = 200;
const DIM = 24;
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** f(x) = 1/2 x'Ax - b'x with A = Q'Q/d + 0.1 I (positive definite, condition ~10-100). */
interface Quadratic {
  a: Float64Array;
  b: Float64Array;
  x0: Float64Array;
}

function quadratic(seed: number): Quadratic {
  const r = new Random(seed);
  const q = Float64Array.from({ length: DIM * DIM }, () => r.normal());
  const a = new Float64Array(DIM * DIM);
  for (let i = 0; i < DIM; i++) {
    for (let j = 0; j < DIM; j++) {
      let s = 0;
      for (let k = 0; k < DIM; k++) s += q[k * DIM + i] * q[k * DIM + j];
      a[i * DIM + j] = s / DIM + (i === j ? 0.1 : 0);
    }
  }
  return { a, b: Float64Array.from({ length: DIM }, () => r.normal()), x0: Float64Array.from({ length: DIM }, () => 2 * r.normal()) };
}

function gradient64(p: Quadratic, x: Float64Array, l2: number): Float64Array {
  const g = new Float64Array(DIM);
  for (let i = 0; i < DIM; i++) {
    let s = -p.b[i];
    for (let j = 0; j < DIM; j++) s += p.a[i * DIM + j] * x[j];
    g[i] = s + l2 * x[i];
  }
  return g;
}

/** The loss as a tf graph (float32), with an optional L2 term l2/2 ||x||^2. */
function lossOf(p: Quadratic, x: tf.Variable, l2: number): tf.Scalar {
  const a = tf.tensor2d(Float32Array.from(p.a), [DIM, DIM]);
  const b = tf.tensor2d(Float32Array.from(p.b), [DIM, 1]);
  const col = x.reshape([DIM, 1]);
  let loss = tf.sub(tf.mul(0.5, tf.sum(tf.mul(col, tf.matMul(a, col)))), tf.sum(tf.mul(b, col)));
  if (l2 > 0) loss = tf.add(loss, tf.mul(l2 / 2, tf.sum(tf.square(col))));
  return loss as tf.Scalar;
}

/** The engine's optimizer: trajectory of x over STEPS steps (every 10th). */
function engineTrajectory(p: Quadratic, name: OptimizerName, lr: number, weightDecay: number): Float64Array[] {
  const x = tf.variable(tf.tensor1d(Float32Array.from(p.x0)), true, `engine-${name}-${Math.random()}`);
  const opt = new Optimizer(tf as never, [x as never], { name, lr, weightDecay });
  const out: Float64Array[] = [];
  for (let t = 1; t <= STEPS; t++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => lossOf(p, x, 0), [x]);
      opt.apply([grads[x.name] as never]);
    });
    if (t % 10 === 0) out.push(Float64Array.from(x.dataSync()));
  }
  opt.dispose();
  x.dispose();
  return out;
}

/** tfjs's own optimizer on the same loss; coupled weight decay is the L2 term of the loss. */
function tfjsTrajectory(p: Quadratic, make: () => tf.Optimizer, l2: number): Float64Array[] {
  const x = tf.variable(tf.tensor1d(Float32Array.from(p.x0)), true, `tfjs-${Math.random()}`);
  const opt = make();
  const out: Float64Array[] = [];
  for (let t = 1; t <= STEPS; t++) {
    tf.tidy(() => {
      opt.minimize(() => lossOf(p, x, l2), false, [x]);
    });
    if (t % 10 === 0) out.push(Float64Array.from(x.dataSync()));
  }
  opt.dispose();
  x.dispose();
  return out;
}

/**
 * The published rules in float64. Adam (Kingma & Ba 2015, Alg. 1); AdamW (Loshchilov &
 * Hutter 2019, Alg. 2, schedule multiplier 1, decay scaled by lr as PyTorch's AdamW):
 *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  mh = m/(1-b1^t);  vh = v/(1-b2^t)
 *   x = x - lr (mh / (sqrt(vh) + eps) + wd x)
 * Adagrad (Duchi et al. 2011, tfjs's initial accumulator 0.1): G = G + g^2; x = x - lr g / sqrt(G).
 */
function referenceTrajectory(p: Quadratic, name: OptimizerName, lr: number, wd: number): Float64Array[] {
  const x = Float64Array.from(p.x0);
  const m = new Float64Array(DIM);
  const v = new Float64Array(DIM).fill(name === 'adagrad' ? 0.1 : 0);
  const out: Float64Array[] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g = gradient64(p, x, name === 'adamw' ? 0 : wd);
    for (let i = 0; i < DIM; i++) {
      if (name === 'adagrad') {
        v[i] += g[i] * g[i];
        x[i] -= (lr * g[i]) / Math.sqrt(v[i]);
        continue;
      }
      m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
      v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
      const mh = m[i] / (1 - BETA1 ** t);
      const vh = v[i] / (1 - BETA2 ** t);
      const decay = name === 'adamw' ? wd * x[i] : 0;
      x[i] -= lr * (mh / (Math.sqrt(vh) + EPS) + decay);
    }
    if (t % 10 === 0) out.push(Float64Array.from(x));
  }
  return out;
}

/** Largest |difference| along the trajectory, relative to the scale of x. */
function maxDeviation(a: Float64Array[], b: Float64Array[]): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  a.forEach((xa, k) => {
    const scale = Math.max(1, ...Array.from(b[k], Math.abs));
    for (let i = 0; i < DIM; i++) worst = Math.max(worst, Math.abs(xa[i] - b[k][i]) / scale);
  });
  return worst;
}

/** Float32 against float64 over 200 steps: a few ulps a step, far below any real difference in the rules. */
const TOLERANCE = 2e-4;
const PROBLEMS = [1, 2, 3];

for (const seed of PROBLEMS) {
  for (const [lr, wd] of [[0.01, 0], [0.05, 0.01]] as const) {
    test(`Adam matches tf.train.adam and Adam's rule (problem ${seed}, lr ${lr}, L2 ${wd})`, () => {
      const p = quadratic(seed);
      const ours = engineTrajectory(p, 'adam', lr, wd);
      const theirs = tfjsTrajectory(p, () => tf.train.adam(lr, BETA1, BETA2, EPS), wd);
      const rule = referenceTrajectory(p, 'adam', lr, wd);
      assert.ok(maxDeviation(ours, theirs) < TOLERANCE, `vs tfjs: ${maxDeviation(ours, theirs)}`);
      assert.ok(maxDeviation(ours, rule) < TOLERANCE, `vs rule: ${maxDeviation(ours, rule)}`);
      // The problem moved: a test of an optimizer that does nothing would pass otherwise.
      assert.ok(maxDeviation([Float64Array.from(p.x0)], [rule.at(-1) as Float64Array]) > 0.1);
    });

    test(`Adagrad matches tf.train.adagrad and Adagrad's rule (problem ${seed}, lr ${lr}, L2 ${wd})`, () => {
      const p = quadratic(seed);
      const ours = engineTrajectory(p, 'adagrad', lr * 10, wd);
      const theirs = tfjsTrajectory(p, () => tf.train.adagrad(lr * 10, 0.1), wd);
      const rule = referenceTrajectory(p, 'adagrad', lr * 10, wd);
      assert.ok(maxDeviation(ours, theirs) < TOLERANCE, `vs tfjs: ${maxDeviation(ours, theirs)}`);
      assert.ok(maxDeviation(ours, rule) < TOLERANCE, `vs rule: ${maxDeviation(ours, rule)}`);
      assert.ok(maxDeviation([Float64Array.from(p.x0)], [rule.at(-1) as Float64Array]) > 0.1);
    });
  }

  test(`AdamW follows the decoupled weight-decay rule (problem ${seed})`, () => {
    const p = quadratic(seed);
    const lr = 0.02;
    const wd = 0.1;
    const ours = engineTrajectory(p, 'adamw', lr, wd);
    const rule = referenceTrajectory(p, 'adamw', lr, wd);
    assert.ok(maxDeviation(ours, rule) < TOLERANCE, `vs rule: ${maxDeviation(ours, rule)}`);
    // Decoupled decay is not Adam with an L2 term: the two rules end measurably apart.
    const coupled = referenceTrajectory(p, 'adam', lr, wd);
    assert.ok(maxDeviation(rule, coupled) > 100 * TOLERANCE, `AdamW vs Adam+L2: ${maxDeviation(rule, coupled)}`);
  });
}
