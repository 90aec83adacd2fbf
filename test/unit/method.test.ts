import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

import { inBatchAccuracy, symmetricInfoNce, straightThroughQuantized } from '../../src/engine/method/infoNce';
import { balanceLoss, balanceLossFromDistances } from '../../src/engine/method/balanceLoss';
import { squaredDistances } from '../../src/engine/method/codeDistances';
import { matMulByTranspose } from '../../src/engine/method/matMulByTranspose';
import { rowLogSumExp } from '../../src/engine/method/rowLogSumExp';
import { DeadCodeTracker, reinitDeadCodes } from '../../src/engine/method/deadCodes';
import { Random } from '../../src/engine/util/random';

type Matrix = number[][];

before(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

// ---------- plain-JS references (float64, direct loops over the formulas of design §4) ----------

function randomMatrix(random: Random, rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => random.normal()));
}

function cosine(u: number[], v: number[]): number {
  let dot = 0;
  let uu = 0;
  let vv = 0;
  for (let k = 0; k < u.length; k++) {
    dot += u[k] * v[k];
    uu += u[k] * u[k];
    vv += v[k] * v[k];
  }
  return dot / (Math.sqrt(uu) * Math.sqrt(vv));
}

/** -1/2 mean_i [ log softmax_j(s(a_i,b_j)/t)_i + log softmax_j(s(b_i,a_j)/t)_i ] */
function infoNceReference(a: Matrix, b: Matrix, t: number): number {
  const n = a.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sumAB = 0;
    let sumBA = 0;
    for (let j = 0; j < n; j++) {
      sumAB += Math.exp(cosine(a[i], b[j]) / t);
      sumBA += Math.exp(cosine(b[i], a[j]) / t);
    }
    const logSoftmaxAB = cosine(a[i], b[i]) / t - Math.log(sumAB);
    const logSoftmaxBA = cosine(b[i], a[i]) / t - Math.log(sumBA);
    total += logSoftmaxAB + logSoftmaxBA;
  }
  return (-0.5 * total) / n;
}

function squaredDistance(u: number[], v: number[]): number {
  let s = 0;
  for (let k = 0; k < u.length; k++) s += (u[k] - v[k]) ** 2;
  return s;
}

/** K sum_k f_k P_k with p_ik = softmax_k(-||r_i - e_k||^2 / T). */
function balanceReference(residual: Matrix, codebook: Matrix, assigned: number[], T: number): number {
  const n = residual.length;
  const K = codebook.length;
  const P = new Array<number>(K).fill(0);
  const f = new Array<number>(K).fill(0);
  for (let i = 0; i < n; i++) {
    const logits = codebook.map((e) => -squaredDistance(residual[i], e) / T);
    const max = Math.max(...logits);
    const exps = logits.map((x) => Math.exp(x - max));
    const z = exps.reduce((s, x) => s + x, 0);
    for (let k = 0; k < K; k++) P[k] += exps[k] / z / n;
    f[assigned[i]] += 1 / n;
  }
  let s = 0;
  for (let k = 0; k < K; k++) s += f[k] * P[k];
  return K * s;
}

/** Central finite differences of `loss` w.r.t. every entry of `x` (float64). */
function finiteDifference(x: Matrix, loss: (m: Matrix) => number, h = 1e-6): Matrix {
  return x.map((row, i) =>
    row.map((_, k) => {
      const plus = x.map((r) => [...r]);
      const minus = x.map((r) => [...r]);
      plus[i][k] += h;
      minus[i][k] -= h;
      return (loss(plus) - loss(minus)) / (2 * h);
    }),
  );
}

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Number.isFinite(actual), `${what}: ${actual} is not finite`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`);
}

function assertMatrixClose(actual: Matrix, expected: Matrix, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: row count`);
  actual.forEach((row, i) => row.forEach((v, k) => assertClose(v, expected[i][k], tolerance, `${what}[${i}][${k}]`)));
}

function scalarOf(t: tf.Tensor): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

function toMatrix(t: tf.Tensor): Matrix {
  const m = t.arraySync() as Matrix;
  t.dispose();
  return m;
}

// ---------- InfoNCE ----------

describe('symmetricInfoNce', () => {
  test('matches a direct double loop on random data, for several temperatures', () => {
    const random = new Random(1);
    for (const [n, d, t] of [[7, 5, 0.1], [16, 8, 1], [1, 3, 0.5]] as const) {
      const a = randomMatrix(random, n, d);
      const b = randomMatrix(random, n, d);
      const loss = tf.tidy(() => scalarOf(symmetricInfoNce(tf, tf.tensor2d(a), tf.tensor2d(b), t)));
      const expected = infoNceReference(a, b, t);
      assertClose(loss, expected, 1e-4 * Math.max(1, Math.abs(expected)), `n=${n} d=${d} t=${t}`);
    }
  });

  test('is symmetric in its two inputs and scale-invariant per row', () => {
    const random = new Random(2);
    const a = randomMatrix(random, 9, 6);
    const b = randomMatrix(random, 9, 6);
    const [ab, ba, scaled] = tf.tidy(() => {
      const ta = tf.tensor2d(a);
      const tb = tf.tensor2d(b);
      const rowScales = tf.tensor2d(a.map((_, i) => [0.1 + i]));
      return [
        scalarOf(symmetricInfoNce(tf, ta, tb, 0.2)),
        scalarOf(symmetricInfoNce(tf, tb, ta, 0.2)),
        scalarOf(symmetricInfoNce(tf, tf.mul(ta, rowScales) as tf.Tensor2D, tb, 0.2)),
      ];
    });
    assertClose(ab, ba, 1e-5, 'L(a,b) vs L(b,a)');
    assertClose(scaled, ab, 1e-4, 'rows rescaled');
  });

  test('aligned pairs score lower than shuffled ones', () => {
    const random = new Random(3);
    const a = randomMatrix(random, 8, 4);
    const near = a.map((row) => row.map((v) => v + 0.05 * random.normal()));
    const [aligned, shuffled] = tf.tidy(() => [
      scalarOf(symmetricInfoNce(tf, tf.tensor2d(a), tf.tensor2d(near), 0.1)),
      scalarOf(symmetricInfoNce(tf, tf.tensor2d(a), tf.tensor2d([...near.slice(1), near[0]]), 0.1)),
    ]);
    assert.ok(aligned < 0.1, `aligned loss ${aligned}`);
    assert.ok(shuffled > aligned + 1, `shuffled ${shuffled} vs aligned ${aligned}`);
  });

  test('gradients w.r.t. both inputs are finite and match finite differences', () => {
    const random = new Random(4);
    const a = randomMatrix(random, 3, 4);
    const b = randomMatrix(random, 3, 4);
    const t = 0.5;
    const [ga, gb] = tf.tidy(() => {
      const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        symmetricInfoNce(tf, x as tf.Tensor2D, y as tf.Tensor2D, t),
      )([tf.tensor2d(a), tf.tensor2d(b)]);
      return grads.map(toMatrix);
    });
    assertMatrixClose(ga, finiteDifference(a, (m) => infoNceReference(m, b, t)), 2e-4, 'dL/da');
    assertMatrixClose(gb, finiteDifference(b, (m) => infoNceReference(a, m, t)), 2e-4, 'dL/db');
    assert.ok(ga.flat().some((v) => Math.abs(v) > 1e-3), 'gradient w.r.t. a is not all zero');
  });
});

describe('inBatchAccuracy', () => {
  /** Share of rows (and of columns) whose diagonal cosine is strictly the largest, averaged. */
  function accuracyReference(a: Matrix, b: Matrix): number {
    const n = a.length;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      let rowBest = -Infinity;
      let colBest = -Infinity;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        rowBest = Math.max(rowBest, cosine(a[i], b[j]));
        colBest = Math.max(colBest, cosine(a[j], b[i]));
      }
      const own = cosine(a[i], b[i]);
      if (own > rowBest) hits++;
      if (own > colBest) hits++;
    }
    return hits / (2 * n);
  }

  test('matches a direct count on random and half-aligned data', () => {
    const random = new Random(21);
    const a = randomMatrix(random, 40, 6);
    const noise = randomMatrix(random, 40, 6);
    // Half the positives are near their anchor, the other half unrelated.
    const b = a.map((row, i) => (i % 2 === 0 ? row.map((v, k) => v + 0.05 * noise[i][k]) : noise[i]));
    for (const [x, y] of [[a, noise], [a, b]]) {
      const got = tf.tidy(() => inBatchAccuracy(tf, tf.tensor2d(x), tf.tensor2d(y)).dataSync()[0]);
      assertClose(got, accuracyReference(x, y), 1e-6, 'accuracy');
    }
    const half = tf.tidy(() => inBatchAccuracy(tf, tf.tensor2d(a), tf.tensor2d(b)).dataSync()[0]);
    assert.ok(half >= 0.5 && half < 0.8, `half-aligned accuracy ${half}`);
  });

  test('an exact duplicate of the positive among the negatives is a miss, not a hit', () => {
    const a = [[1, 0], [0, 1], [1, 1]];
    const aligned = tf.tidy(() => inBatchAccuracy(tf, tf.tensor2d(a), tf.tensor2d(a)).dataSync()[0]);
    assert.equal(aligned, 1);
    // Rows 0 and 1 of b identical: anchors 0 and 1 tie with a negative.
    const b = [[1, 0], [1, 0], [1, 1]];
    const tied = tf.tidy(() => inBatchAccuracy(tf, tf.tensor2d(a), tf.tensor2d(b)).dataSync()[0]);
    assertClose(tied, accuracyReference(a, b), 1e-9, 'ties');
    assert.ok(tied < 1);
  });
});

describe('matMulByTranspose', () => {
  test('value and gradients equal those of matMul(a, b, false, true)', () => {
    const random = new Random(5);
    const a = tf.tensor2d(randomMatrix(random, 4, 3));
    const b = tf.tensor2d(randomMatrix(random, 5, 3));
    const w = tf.tensor2d(randomMatrix(random, 4, 5)); // weights make every output entry matter
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(matMulByTranspose(tf, x as tf.Tensor2D, y as tf.Tensor2D), w)),
    )([a, b]);
    const native = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, false, true), w)),
    )([a, b]);
    assertMatrixClose(toMatrix(ours[0]), toMatrix(native[0]), 1e-5, 'd/da');
    assertMatrixClose(toMatrix(ours[1]), toMatrix(native[1]), 1e-5, 'd/db');
    const value = toMatrix(matMulByTranspose(tf, a, b));
    assertMatrixClose(value, toMatrix(tf.matMul(a, b, false, true)), 1e-5, 'a bT');
    tf.dispose([a, b, w]);
  });
});

describe('rowLogSumExp', () => {
  test('value and gradient equal tf.logSumExp over rows, and stay finite for large logits', () => {
    const random = new Random(14);
    const x = tf.tensor2d(randomMatrix(random, 4, 6).map((r, i) => r.map((v) => v * 10 + (i === 3 ? 500 : 0))));
    const w = tf.tensor1d([0.5, -1, 2, 1]);
    const ours = tf.tidy(() => toMatrix(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(rowLogSumExp(tf, t as tf.Tensor2D), w)))(x)));
    const native = tf.tidy(() => toMatrix(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.logSumExp(t, 1), w)))(x)));
    assertMatrixClose(ours, native, 1e-4, 'gradient'); // float32 at |x| ~ 500
    const value = tf.tidy(() => Array.from(rowLogSumExp(tf, x).dataSync()));
    const expected = tf.tidy(() => Array.from(tf.logSumExp(x, 1).dataSync()));
    value.forEach((v, i) => assertClose(v, expected[i], 1e-4, `row ${i}`));
    tf.dispose([x, w]);
  });
});

describe('straightThroughQuantized', () => {
  test('has the value of q exactly and passes the gradient to both z and q', () => {
    const random = new Random(6);
    // z far larger than q: the literal q + z - z would round q's low bits away.
    const z = tf.tensor2d(randomMatrix(random, 3, 4).map((r) => r.map((v) => v * 1e4)));
    const q = tf.tensor2d(randomMatrix(random, 3, 4).map((r) => r.map((v) => v * 1e-3)));
    const w = tf.tensor2d(randomMatrix(random, 3, 4));
    const value = straightThroughQuantized(tf, z, q);
    assert.deepEqual(Array.from(value.dataSync()), Array.from(q.dataSync()));
    value.dispose();
    const [gz, gq] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(straightThroughQuantized(tf, x, y), w)))([
      z,
      q,
    ]);
    assert.deepEqual(Array.from(gz.dataSync()), Array.from(w.dataSync()));
    assert.deepEqual(Array.from(gq.dataSync()), Array.from(w.dataSync()));
    tf.dispose([z, q, w, gz, gq]);
  });
});

// ---------- balance loss ----------

describe('balanceLoss', () => {
  const corners: Matrix = [
    [0, 0],
    [3, 0],
    [0, 3],
    [3, 3],
  ];

  test('is 1.0 for an even hard assignment', () => {
    const residual = [0, 1, 2, 3, 3, 2, 1, 0].map((k) => [...corners[k]]);
    const assigned = [0, 1, 2, 3, 3, 2, 1, 0];
    const loss = tf.tidy(() =>
      scalarOf(balanceLoss(tf, tf.tensor2d(residual), tf.tensor2d(corners), tf.tensor1d(assigned, 'int32'), 0.05)),
    );
    assertClose(loss, 1, 1e-5, 'even assignment');
  });

  test('relative temperature: the same loss for distances shifted and scaled, unlike an absolute one', () => {
    const random = new Random(31);
    const d = Array.from({ length: 12 }, () => Array.from({ length: 5 }, () => Math.abs(random.normal())));
    const assigned = d.map((row) => row.indexOf(Math.min(...row)));
    // A level far from its codes: every distance grows by 40, and the scale by 7.
    const moved = d.map((row) => row.map((v) => 7 * v + 40));
    const loss = (m: number[][], mode: 'relative' | 'absolute'): number =>
      tf.tidy(() => scalarOf(balanceLossFromDistances(tf, tf.tensor2d(m), tf.tensor1d(assigned, 'int32'), 5, { value: 0.5, mode })));
    assertClose(loss(moved, 'relative'), loss(d, 'relative'), 1e-4, 'relative');
    assert.ok(Math.abs(loss(moved, 'absolute') - loss(d, 'absolute')) > 0.05, 'absolute T sees the scale');
    // T = 0.5 x spread: the spread is mean(d) - mean of the row minima.
    const flat = d.flat();
    const spread = flat.reduce((x, y) => x + y, 0) / flat.length - d.reduce((x, row) => x + Math.min(...row), 0) / d.length;
    assertClose(loss(d, 'relative'), loss(d.map((row) => row.map((v) => v / spread)), 'absolute'), 1e-4, 'T = t x spread');
  });

  test('tends to K as T -> 0 when every row takes one code', () => {
    const residual = Array.from({ length: 8 }, (_, i) => [0.01 * i, -0.01 * i]);
    const assigned = new Array<number>(8).fill(0);
    const losses = [4, 1, 0.1, 0.01].map((T) =>
      tf.tidy(() =>
        scalarOf(balanceLoss(tf, tf.tensor2d(residual), tf.tensor2d(corners), tf.tensor1d(assigned, 'int32'), T)),
      ),
    );
    for (let i = 1; i < losses.length; i++) assert.ok(losses[i] >= losses[i - 1], `not increasing: ${losses}`);
    assert.ok(losses[0] < 3.5, `warm temperature should stay below K: ${losses}`);
    assertClose(losses[losses.length - 1], corners.length, 1e-4, 'collapsed, T = 0.01');
  });

  test('matches the formula on random data, and from precomputed distances', () => {
    const random = new Random(7);
    const residual = randomMatrix(random, 12, 3);
    const codebook = randomMatrix(random, 5, 3);
    const assigned = residual.map(() => random.int(5));
    const T = 0.7;
    const [direct, viaOurDistances, viaJsDistances] = tf.tidy(() => {
      const r = tf.tensor2d(residual);
      const e = tf.tensor2d(codebook);
      const c = tf.tensor1d(assigned, 'int32');
      const jsDistances = tf.tensor2d(residual.map((ri) => codebook.map((ek) => squaredDistance(ri, ek))));
      return [
        scalarOf(balanceLoss(tf, r, e, c, T)),
        scalarOf(balanceLossFromDistances(tf, squaredDistances(tf, r, e), c, 5, T)),
        scalarOf(balanceLossFromDistances(tf, jsDistances, c, 5, T)),
      ];
    });
    const expected = balanceReference(residual, codebook, assigned, T);
    assertClose(direct, expected, 1e-5, 'balanceLoss');
    assert.equal(viaOurDistances, direct, 'balanceLossFromDistances(squaredDistances) = balanceLoss');
    assertClose(viaJsDistances, expected, 1e-5, 'balanceLossFromDistances');
  });

  test('gradients w.r.t. residual and codebook match finite differences', () => {
    const random = new Random(8);
    const residual = randomMatrix(random, 6, 3);
    const codebook = randomMatrix(random, 4, 3);
    const assigned = [0, 0, 1, 2, 2, 2];
    const T = 2;
    const [gr, ge] = tf.tidy(() => {
      const c = tf.tensor1d(assigned, 'int32');
      const grads = tf.grads((r: tf.Tensor, e: tf.Tensor) => balanceLoss(tf, r as tf.Tensor2D, e as tf.Tensor2D, c, T))([
        tf.tensor2d(residual),
        tf.tensor2d(codebook),
      ]);
      return grads.map(toMatrix);
    });
    assertMatrixClose(gr, finiteDifference(residual, (m) => balanceReference(m, codebook, assigned, T)), 1e-4, 'dL/dr');
    assertMatrixClose(ge, finiteDifference(codebook, (m) => balanceReference(residual, m, assigned, T)), 1e-4, 'dL/de');
    assert.ok(ge.flat().some((v) => Math.abs(v) > 1e-3), 'gradient w.r.t. the codebook is not all zero');
  });

  test('squaredDistances equals the direct distances', () => {
    const random = new Random(9);
    const residual = randomMatrix(random, 5, 4);
    const codebook = randomMatrix(random, 3, 4);
    const d = tf.tidy(() => toMatrix(squaredDistances(tf, tf.tensor2d(residual), tf.tensor2d(codebook))));
    assertMatrixClose(d, residual.map((r) => codebook.map((e) => squaredDistance(r, e))), 1e-4, 'distances');
  });
});

// ---------- dead codes ----------

describe('DeadCodeTracker', () => {
  test('finds dead codes exactly at window ends and resets the counters', () => {
    const tracker = new DeadCodeTracker([4, 3], 3, 1);
    // Window 1 (steps 1-3): level 0 never uses code 3, level 1 never uses code 2.
    tracker.record(0, [0, 1]);
    tracker.record(1, Int32Array.from([0, 0]));
    assert.equal(tracker.endStep(1), null);
    tracker.record(0, [2, 2]);
    tracker.record(1, [1]);
    assert.equal(tracker.endStep(2), null);
    tracker.record(0, [0]);
    assert.deepEqual(tracker.endStep(3), [
      { level: 0, codes: [3] },
      { level: 1, codes: [2] },
    ]);
    // Window 2 (steps 4-6): only code 3 of level 0 and code 2 of level 1 are used, so
    // everything else is dead: nothing carried over from window 1.
    tracker.record(0, [3]);
    tracker.record(1, [2]);
    assert.equal(tracker.endStep(4), null);
    assert.equal(tracker.endStep(5), null);
    assert.deepEqual(tracker.endStep(6), [
      { level: 0, codes: [0, 1, 2] },
      { level: 1, codes: [0, 1] },
    ]);
  });

  test('a code used exactly minUsage times is alive; a check with none dead returns []', () => {
    const tracker = new DeadCodeTracker([3, 2], 2, 2);
    tracker.record(0, [0, 0, 1, 2, 2, 2]); // usage 2, 1, 3
    tracker.record(1, [0, 1]);
    tracker.record(1, [0, 1]); // usage 2, 2
    assert.equal(tracker.endStep(1), null);
    assert.deepEqual(tracker.endStep(2), [{ level: 0, codes: [1] }]);
    for (const level of [0, 1]) tracker.record(level, [0, 0, 1, 1]);
    tracker.record(0, [2, 2]);
    assert.deepEqual(tracker.endStep(4), []);
    const never = new DeadCodeTracker([2], 1, 0);
    assert.deepEqual(never.endStep(1), [], 'minUsage 0: no code is ever dead');
  });

  test('state round trip through JSON continues the same window', () => {
    const original = new DeadCodeTracker([5], 4, 2);
    original.record(0, [0, 0, 1, 4]);
    original.endStep(1);
    original.record(0, [1, 2]);
    original.endStep(2);
    const resumed = new DeadCodeTracker([5], 4, 2);
    resumed.setState(JSON.parse(JSON.stringify(original.getState())));
    for (const tracker of [original, resumed]) {
      tracker.record(0, [2, 3]);
      assert.equal(tracker.endStep(3), null);
      tracker.record(0, [4]);
    }
    const expected = [{ level: 0, codes: [3] }]; // usage over steps 1-4: 2, 2, 2, 1, 2
    assert.deepEqual(original.endStep(4), expected);
    assert.deepEqual(resumed.endStep(4), expected);
    assert.throws(() => new DeadCodeTracker([5], 3, 2).setState(original.getState()), /configuration/);
  });

  test('rejects codes and levels out of range', () => {
    const tracker = new DeadCodeTracker([3], 2, 1);
    assert.throws(() => tracker.record(0, [3]), RangeError);
    assert.throws(() => tracker.record(0, [-1]), RangeError);
    assert.throws(() => tracker.record(1, [0]), RangeError);
    assert.throws(() => new DeadCodeTracker([3], 0, 1));
  });
});

describe('reinitDeadCodes', () => {
  function bits(rows: Float32Array, row: number, width: number): number[] {
    return Array.from(new Uint32Array(rows.buffer, rows.byteOffset + row * width * 4, width));
  }

  function rowsOf(t: tf.Tensor): Float32Array {
    return Float32Array.from(t.dataSync());
  }

  test('replaces exactly the dead rows, with distinct rows of the residual batch', () => {
    const random = new Random(10);
    const K = 7;
    const d = 5;
    // Values with full mantissas (and a -0) so that any arithmetic on kept rows would show.
    const initial = randomMatrix(random, K, d).map((r) => r.map((v) => v / 3));
    initial[0][0] = -0;
    const codebook = tf.variable(tf.tensor2d(initial));
    const batch = randomMatrix(random, 6, d);
    const residual = tf.tensor2d(batch);
    const before = rowsOf(codebook);
    const batchRows = rowsOf(residual);
    const tensorsBefore = tf.memory().numTensors;

    reinitDeadCodes(tf, codebook, [5, 1, 3], residual, new Random(11));

    assert.equal(tf.memory().numTensors, tensorsBefore, 'no leaked tensors');
    const after = rowsOf(codebook);
    const batchKeys = Array.from({ length: batch.length }, (_, i) => bits(batchRows, i, d).join());
    const used = new Set<string>();
    for (let k = 0; k < K; k++) {
      if ([1, 3, 5].includes(k)) {
        const key = bits(after, k, d).join();
        assert.ok(batchKeys.includes(key), `row ${k} is a row of the residual batch`);
        assert.notDeepEqual(bits(after, k, d), bits(before, k, d), `row ${k} changed`);
        used.add(key);
      } else {
        assert.deepEqual(bits(after, k, d), bits(before, k, d), `row ${k} bit-identical`);
      }
    }
    assert.equal(used.size, 3, 'distinct residual rows');
    tf.dispose([codebook, residual]);
  });

  test('reuses rows only when there are more dead codes than residuals, and is seeded', () => {
    const initial = [[1, 1], [2, 2], [3, 3], [4, 4]];
    const batch = [[10, 20], [30, 40]];
    const run = (seed: number): Matrix => {
      const codebook = tf.variable(tf.tensor2d(initial));
      const residual = tf.tensor2d(batch);
      reinitDeadCodes(tf, codebook, [0, 1, 3], residual, new Random(seed));
      const m = codebook.arraySync() as Matrix;
      tf.dispose([codebook, residual]);
      return m;
    };
    const result = run(12);
    assert.deepEqual(result[2], [3, 3]);
    const replaced = [result[0], result[1], result[3]].map((r) => r.join());
    for (const key of replaced) assert.ok(['10,20', '30,40'].includes(key), `${key} is a residual`);
    assert.ok(replaced.includes('10,20') && replaced.includes('30,40'), 'every residual used before any repeat');
    assert.deepEqual(run(12), result, 'same seed, same rows');
  });

  test('no dead codes leaves the codebook as it was; bad codes are rejected', () => {
    const codebook = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
    const residual = tf.tensor2d([[5, 6]]);
    reinitDeadCodes(tf, codebook, [], residual, new Random(0));
    assert.deepEqual(codebook.arraySync(), [[1, 2], [3, 4]]);
    assert.throws(() => reinitDeadCodes(tf, codebook, [2], residual, new Random(0)), RangeError);
    tf.dispose([codebook, residual]);
  });
});

// ---------- memory ----------

test('no function leaks tensors, in forward or gradient use', () => {
  const random = new Random(13);
  const a = tf.tensor2d(randomMatrix(random, 6, 4));
  const b = tf.tensor2d(randomMatrix(random, 6, 4));
  const codebook = tf.tensor2d(randomMatrix(random, 3, 4));
  const assigned = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
  const before = tf.memory().numTensors;

  tf.dispose([
    symmetricInfoNce(tf, a, b, 0.1),
    straightThroughQuantized(tf, a, b),
    balanceLoss(tf, a, codebook, assigned, 1),
    matMulByTranspose(tf, a, b),
    rowLogSumExp(tf, a),
  ]);
  const distances = squaredDistances(tf, a, codebook);
  tf.dispose([balanceLossFromDistances(tf, distances, assigned, 3, 1), distances]);
  assert.equal(tf.memory().numTensors, before, 'forward');

  const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor, e: tf.Tensor) =>
    tf.add(
      symmetricInfoNce(tf, straightThroughQuantized(tf, x, y) as tf.Tensor2D, y as tf.Tensor2D, 0.1),
      balanceLoss(tf, x as tf.Tensor2D, e as tf.Tensor2D, assigned, 1),
    ) as tf.Scalar,
  )([a, b, codebook]);
  tf.dispose([value, ...grads]);
  assert.equal(tf.memory().numTensors, before, 'gradient');
  tf.dispose([a, b, codebook, assigned]);
});

// ---------- the engine's default backend ----------

test('on tfjs-wasm the losses, their gradients and reinit agree with cpu', async () => {
  const random = new Random(15);
  const a = randomMatrix(random, 10, 6);
  const b = randomMatrix(random, 10, 6);
  const codebook = randomMatrix(random, 5, 6);
  const assigned = a.map(() => random.int(5));
  const compute = (): number[][] =>
    tf.tidy(() => {
      const ta = tf.tensor2d(a);
      const tb = tf.tensor2d(b);
      const te = tf.tensor2d(codebook);
      const c = tf.tensor1d(assigned, 'int32');
      const loss = (x: tf.Tensor, y: tf.Tensor, e: tf.Tensor): tf.Scalar =>
        tf.add(
          symmetricInfoNce(tf, straightThroughQuantized(tf, x, y) as tf.Tensor2D, y as tf.Tensor2D, 0.3),
          balanceLoss(tf, x as tf.Tensor2D, e as tf.Tensor2D, c, 0.5),
        ) as tf.Scalar;
      const { value, grads } = tf.valueAndGrads(loss)([ta, tb, te]);
      const variable = tf.variable(te);
      reinitDeadCodes(tf, variable, [1, 3], ta, new Random(16));
      const reinit = Array.from(variable.dataSync());
      variable.dispose();
      return [
        [value.dataSync()[0]],
        [balanceLoss(tf, ta, te, c, 0.5).dataSync()[0]],
        ...grads.map((g) => Array.from(g.dataSync())),
        reinit,
      ];
    });
  const onCpu = compute();
  assert.ok(await tf.setBackend('wasm'), 'wasm backend starts');
  try {
    const onWasm = compute();
    onWasm.forEach((values, i) => values.forEach((v, k) => assertClose(v, onCpu[i][k], 1e-4, `result ${i}[${k}]`)));
  } finally {
    await tf.setBackend('cpu');
  }
});
