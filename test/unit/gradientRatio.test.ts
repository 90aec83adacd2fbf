/**
 * `collab.weighting: gradient` (issue 13): the identity ops that read and set gradient
 * sizes, checked against the gradient computed without them.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

import { GradientReference, probeGradient, scaleGradientBy, scaleGradientTo } from '../../src/engine/method/gradientRatio';
import type { TF, Tensor, Tensor2D } from '../../src/engine/tf/types';
import { Random } from '../../src/engine/util/random';

const T = tf as unknown as TF;

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function randomMatrix(random: Random, rows: number, cols: number): Tensor2D {
  return tf.tensor2d(Array.from({ length: rows * cols }, () => random.normal()), [rows, cols]) as unknown as Tensor2D;
}

/** A loss with an uneven gradient: sum(w * x^3). */
const loss = (w: Tensor2D) => (x: Tensor): tf.Scalar => tf.sum(tf.mul(w as unknown as tf.Tensor, tf.pow(x as unknown as tf.Tensor, 3)));

function frob(t: tf.Tensor): number {
  return Math.sqrt((tf.sum(tf.square(t)).dataSync() as Float32Array)[0]);
}

test('scaleGradientTo: value unchanged, gradient the same direction with norm = target, the unscaled norm reported', () => {
  const random = Random.derive(1, 'model-init');
  const x = randomMatrix(random, 6, 4);
  const w = randomMatrix(random, 6, 4);
  const plain = tf.grad(loss(w) as (x: tf.Tensor) => tf.Scalar)(x as unknown as tf.Tensor);
  let reported: Tensor | null = null;
  const scaledLoss = (input: tf.Tensor): tf.Scalar => loss(w)(scaleGradientTo(T, input as unknown as Tensor2D, 0.37, (n) => (reported = n)));
  const value = tf.tidy(() => scaledLoss(x as unknown as tf.Tensor).dataSync()[0]);
  assert.ok(Math.abs(value - loss(w)(x).dataSync()[0]) < 1e-5, 'the forward value is unchanged');
  const scaled = tf.grad(scaledLoss)(x as unknown as tf.Tensor);
  assert.ok(Math.abs(frob(scaled) - 0.37) < 1e-5, `gradient norm ${frob(scaled)} vs target 0.37`);
  const ratio = 0.37 / frob(plain);
  const p = plain.dataSync();
  const s = scaled.dataSync();
  for (let i = 0; i < p.length; i++) assert.ok(Math.abs(s[i] - ratio * p[i]) < 1e-5, `element ${i}: ${s[i]} vs ${ratio * p[i]}`);
  assert.ok(reported, 'the unscaled norm was reported');
  assert.ok(Math.abs((reported as unknown as tf.Tensor).dataSync()[0] - frob(plain)) < 1e-4, 'reported norm = the unscaled gradient norm');
  (reported as unknown as tf.Tensor).dispose();
});

test('scaleGradientTo: target 0 passes no gradient (the first step, before any reference)', () => {
  const random = Random.derive(2, 'model-init');
  const x = randomMatrix(random, 3, 5);
  const w = randomMatrix(random, 3, 5);
  const g = tf.grad((input: tf.Tensor) => loss(w)(scaleGradientTo(T, input as unknown as Tensor2D, 0, (n) => n.dispose())))(x as unknown as tf.Tensor);
  assert.equal(frob(g), 0);
  assert.throws(() => scaleGradientTo(T, x, -1, () => undefined), /target/);
});

test('probeGradient: the gradient passes unchanged and its norm is reported', () => {
  const random = Random.derive(3, 'model-init');
  const x = randomMatrix(random, 4, 3);
  const w = randomMatrix(random, 4, 3);
  const plain = tf.grad(loss(w) as (x: tf.Tensor) => tf.Scalar)(x as unknown as tf.Tensor);
  let reported: Tensor | null = null;
  const probed = tf.grad((input: tf.Tensor) => loss(w)(probeGradient(T, input as unknown as Tensor2D, (n) => (reported = n))))(x as unknown as tf.Tensor);
  const p = plain.dataSync();
  const q = probed.dataSync();
  for (let i = 0; i < p.length; i++) assert.equal(q[i], p[i]);
  assert.ok(Math.abs((reported as unknown as tf.Tensor).dataSync()[0] - frob(plain)) < 1e-4);
});

test('GradientReference: starts empty, then a moving average; ignores non-finite values; state round-trips', () => {
  const ref = new GradientReference(0.9);
  assert.equal(ref.current, null);
  ref.record(2);
  assert.equal(ref.current, 2);
  ref.record(4);
  assert.ok(Math.abs((ref.current as number) - 2.2) < 1e-12);
  ref.record(Number.NaN);
  assert.ok(Math.abs((ref.current as number) - 2.2) < 1e-12);
  const copy = new GradientReference(0.9);
  copy.setState(ref.getState());
  assert.equal(copy.current, ref.current);
  copy.setState('garbage');
  assert.equal(copy.current, null);
});

test('scaleGradientBy: value unchanged, gradient times the factor (0 passes none)', () => {
  const random = Random.derive(4, 'model-init');
  const x = randomMatrix(random, 5, 3);
  const w = randomMatrix(random, 5, 3);
  const plain = tf.grad(loss(w) as (x: tf.Tensor) => tf.Scalar)(x as unknown as tf.Tensor).dataSync();
  const value = tf.tidy(() => loss(w)(scaleGradientBy(T, x, 0.25)).dataSync()[0]);
  assert.ok(Math.abs(value - loss(w)(x).dataSync()[0]) < 1e-5, 'the forward value is unchanged');
  for (const factor of [0.25, 3, 0]) {
    const scaled = tf.grad((input: tf.Tensor) => loss(w)(scaleGradientBy(T, input as unknown as Tensor2D, factor)))(x as unknown as tf.Tensor).dataSync();
    for (let i = 0; i < plain.length; i++) assert.ok(Math.abs(scaled[i] - factor * plain[i]) < 1e-5 * (1 + Math.abs(plain[i])), `factor ${factor}, element ${i}: ${scaled[i]} vs ${factor * plain[i]}`);
  }
  assert.throws(() => scaleGradientBy(T, x, -1), /factor/);
  assert.throws(() => scaleGradientBy(T, x, Number.NaN), /factor/);
});

test('scaleGradientBy on a variable: variableGrads gets the scaled gradient', () => {
  const random = Random.derive(5, 'model-init');
  const v = tf.variable(randomMatrix(random, 4, 2) as unknown as tf.Tensor2D, true, 'scale-by-variable');
  const w = randomMatrix(random, 4, 2);
  const plain = tf.variableGrads(() => loss(w)(v as unknown as Tensor), [v]).grads[v.name].dataSync();
  const scaled = tf.variableGrads(() => loss(w)(scaleGradientBy(T, v as unknown as Tensor2D, 0.5)), [v]).grads[v.name].dataSync();
  for (let i = 0; i < plain.length; i++) assert.ok(Math.abs(scaled[i] - 0.5 * plain[i]) < 1e-5 * (1 + Math.abs(plain[i])), `element ${i}`);
  v.dispose();
});
