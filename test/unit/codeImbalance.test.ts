/**
 * `balance.fade` (issue 13 item 4): the batch imbalance that scales the balance term is
 * ~0 for batches drawn from even use, ~1 − u for a level that uses a share u of its codes
 * evenly, and ~1 when one code takes everything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { codeImbalance } from '../../src/engine/method/codeImbalance';
import { Random } from '../../src/engine/util/random';

function draws(n: number, codesInUse: number, random: Random): Int32Array {
  return Int32Array.from({ length: n }, () => random.int(codesInUse));
}

test('batches drawn from even use read as balanced, at batch sizes below and above the codebook size', () => {
  const random = new Random(11);
  for (const [n, K] of [[1024, 256], [512, 128], [128, 256]] as const) {
    const values = Array.from({ length: 200 }, () => codeImbalance(draws(n, K, random), K));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    assert.ok(mean < 0.05, `n ${n}, K ${K}: mean imbalance ${mean.toFixed(3)} over 200 batches`);
  }
});

test('a level that uses a share u of its codes evenly reads about 1 − u', () => {
  const random = new Random(12);
  for (const u of [0.25, 0.5, 0.75]) {
    const value = codeImbalance(draws(4096, 256 * u, random), 256);
    assert.ok(Math.abs(value - (1 - u)) < 0.05, `u ${u}: ${value.toFixed(3)}`);
  }
});

test('one code taking the batch reads as 1 less the sampling floor; an empty batch as 0', () => {
  assert.ok(codeImbalance(new Int32Array(1024), 256) > 0.99);
  assert.equal(codeImbalance(new Int32Array(0), 256), 0);
});
