/**
 * The optimizer's per-row bias correction (issue 13, item 5): a codebook row that dead-code
 * re-initialisation resets starts Adam over, so its first update has size lr in every
 * coordinate, whatever the global step; the other rows keep the global count; the row
 * counts survive a checkpoint round trip bit-exactly.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Optimizer, type OptimizerOptions } from '../../src/engine/model/optimizer';
import { Random } from '../../src/engine/util/random';
import type { Variable } from '../../src/engine/tf/types';

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const ROWS = 6;
const COLS = 4;
const LR = 1e-3;

function gradients(random: Random): Float32Array {
  const g = new Float32Array(ROWS * COLS);
  // Noisy gradients with a non-zero mean: later updates are well below lr in size.
  for (let i = 0; i < g.length; i++) g[i] = 0.3 + random.normal();
  return g;
}

function setup(options: OptimizerOptions): { variable: Variable; optimizer: Optimizer; step: (g: Float32Array) => void } {
  const random = new Random(11);
  // Small values: float32 resolves a 1e-3 step of them to ~1e-8.
  const init = new Float32Array(ROWS * COLS).map(() => 0.1 * random.normal());
  const variable = tf.variable(tf.tensor2d(init, [ROWS, COLS]));
  const optimizer = new Optimizer(tf, [variable], options);
  const step = (g: Float32Array): void => tf.tidy(() => optimizer.apply([tf.tensor2d(g, [ROWS, COLS])]));
  return { variable, optimizer, step };
}

function values(v: Variable): Float32Array {
  return v.dataSync() as Float32Array;
}

for (const options of [
  { name: 'adam', lr: LR, weightDecay: 0 },
  { name: 'adamw', lr: LR, weightDecay: 0.01 },
] as OptimizerOptions[]) {
  test(`${options.name}: a re-initialised row's first update has size lr after 1,000 steps (the others keep the global count)`, () => {
    const random = new Random(5);
    const { variable, optimizer, step } = setup(options);
    // A float64 Adam for row 0, which is never reset: the global count applies to it.
    const m = new Float64Array(COLS);
    const s = new Float64Array(COLS);
    for (let t = 1; t <= 1000; t++) {
      const g = gradients(random);
      for (let c = 0; c < COLS; c++) {
        m[c] = 0.9 * m[c] + 0.1 * g[c];
        s[c] = 0.999 * s[c] + 0.001 * g[c] * g[c];
      }
      step(g);
    }
    const reset = [1, 4];
    optimizer.resetRows(0, reset);
    const before = values(variable);
    const g = gradients(random);
    step(g);
    const after = values(variable);
    for (const r of reset) {
      for (let c = 0; c < COLS; c++) {
        const i = r * COLS + c;
        // mHat = g, vHat = g^2: lr * g / (|g| + eps), plus AdamW's decoupled decay.
        const expected = LR * (Math.sign(g[i]) + options.weightDecay * before[i]);
        assert.ok(Math.abs(before[i] - after[i] - expected) < 1e-7, `row ${r} col ${c}: moved ${before[i] - after[i]}, expected ${expected}`);
      }
    }
    // Row 0 at the global count 1,001.
    for (let c = 0; c < COLS; c++) {
      m[c] = 0.9 * m[c] + 0.1 * g[c];
      s[c] = 0.999 * s[c] + 0.001 * g[c] * g[c];
      const mHat = m[c] / (1 - 0.9 ** 1001);
      const vHat = s[c] / (1 - 0.999 ** 1001);
      const expected = LR * (mHat / (Math.sqrt(vHat) + 1e-8) + options.weightDecay * before[c]);
      assert.ok(Math.abs(before[c] - after[c] - expected) < 1e-7, `row 0 col ${c}: moved ${before[c] - after[c]}, expected ${expected}`);
    }
    // The global correction alone would have moved the reset rows by ~2.5 lr here.
    const global = Math.sqrt(1 - 0.999 ** 1001) / (1 - 0.9 ** 1001);
    assert.ok((0.1 * global) / Math.sqrt(0.001) > 2, 'the case the per-row count exists for');
    assert.deepEqual(optimizer.getRowOrigins(), { '0': [0, 1000, 0, 0, 1000, 0] });
    optimizer.dispose();
    variable.dispose();
  });
}

test('row origins and moments saved mid-run continue bit-identically', () => {
  const options: OptimizerOptions = { name: 'adam', lr: LR, weightDecay: 0 };
  const grads = Array.from({ length: 60 }, (_, i) => gradients(new Random(100 + i)));
  const whole = setup(options);
  const first = setup(options);
  const run = (o: ReturnType<typeof setup>, from: number, to: number): void => {
    for (let t = from; t < to; t++) {
      o.step(grads[t]);
      if (t === 19) o.optimizer.resetRows(0, [2]);
      if (t === 39) o.optimizer.resetRows(0, [2, 5]);
    }
  };
  run(whole, 0, 60);
  run(first, 0, 30);
  // A fresh optimizer and variable restored from the first one's state (as a checkpoint does).
  const second = setup(options);
  second.variable.assign(first.variable);
  first.optimizer.stateTensors().forEach((s, i) => second.optimizer.stateTensors()[i].tensor.assign(s.tensor));
  second.optimizer.step = first.optimizer.step;
  second.optimizer.setRowOrigins(JSON.parse(JSON.stringify(first.optimizer.getRowOrigins())));
  run(second, 30, 60);
  assert.deepEqual(Array.from(values(second.variable)), Array.from(values(whole.variable)));
  assert.deepEqual(second.optimizer.getRowOrigins(), { '0': [0, 0, 40, 0, 0, 40] });
  assert.throws(() => second.optimizer.setRowOrigins({ '0': [0, 1] }), /do not match its shape/);
  for (const o of [whole, first, second]) {
    o.optimizer.dispose();
    o.variable.dispose();
  }
});

test('adagrad has no bias correction: a reset restores its initial accumulator and keeps no row counts', () => {
  const { variable, optimizer, step } = setup({ name: 'adagrad', lr: LR, weightDecay: 0 });
  const random = new Random(3);
  for (let t = 0; t < 10; t++) step(gradients(random));
  optimizer.resetRows(0, [0]);
  assert.deepEqual(optimizer.getRowOrigins(), {});
  const first = optimizer.stateTensors()[0].tensor.dataSync() as Float32Array;
  for (let c = 0; c < COLS; c++) assert.ok(Math.abs(first[c] - 0.1) < 1e-7);
  optimizer.dispose();
  variable.dispose();
});
