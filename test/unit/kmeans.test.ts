import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { kmeans } from '../../src/engine/model/kmeans';
import { Random } from '../../src/engine/util/random';

/** n points around each of `centres` (row-major), Gaussian noise of `spread`, shifted by `offset`. */
function blobs(random: Random, centres: number[][], perBlob: number, spread: number, offset = 0): Float32Array {
  const dim = centres[0].length;
  const out = new Float32Array(centres.length * perBlob * dim);
  let row = 0;
  for (const c of centres) {
    for (let i = 0; i < perBlob; i++, row++) {
      for (let d = 0; d < dim; d++) out[row * dim + d] = offset + c[d] + spread * random.normal();
    }
  }
  return out;
}

function nearestIndex(points: Float32Array, i: number, centroids: Float32Array, k: number, dim: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += (points[i * dim + d] - centroids[c * dim + d]) ** 2;
    if (s < bestD) [best, bestD] = [c, s];
  }
  return best;
}

function inertia(points: Float32Array, n: number, centroids: Float32Array, k: number, dim: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = nearestIndex(points, i, centroids, k, dim);
    for (let d = 0; d < dim; d++) total += (points[i * dim + d] - centroids[c * dim + d]) ** 2;
  }
  return total;
}

describe('kmeans (codebook initialisation)', () => {
  test('finds well-separated clusters, also in a narrow cloud far from the origin', async () => {
    const centres = [
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 1, 1],
    ];
    // Scaled like encoder outputs at initialisation: spread 1e-3 of a cloud at distance ~0.5.
    for (const [scale, offset] of [
      [1, 0],
      [1e-3, 0.3],
    ]) {
      const scaled = centres.map((c) => c.map((v) => v * scale));
      const points = blobs(new Random(1), scaled, 40, 0.02 * scale, offset);
      const got = await kmeans(points, 200, 3, 5, new Random(2));
      for (const c of scaled) {
        const best = Math.min(...[0, 1, 2, 3, 4].map((j) => Math.hypot(...c.map((v, d) => v + offset - got[j * 3 + d]))));
        assert.ok(best < 0.01 * scale, `a centre ${c} (x${scale} + ${offset}) is ${best} from the nearest centroid`);
      }
    }
  });

  test('ends at a fixed point of Lloyd: every centroid is the mean of the points nearest to it, none empty', async () => {
    const random = new Random(3);
    const n = 600;
    const dim = 4;
    const k = 16;
    const points = new Float32Array(n * dim);
    for (let i = 0; i < points.length; i++) points[i] = random.normal() + (i % dim === 0 ? 5 : 0);
    const centroids = await kmeans(points, n, dim, k, new Random(4), { tolerance: 0 });
    const sums = new Float64Array(k * dim);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = nearestIndex(points, i, centroids, k, dim);
      counts[c]++;
      for (let d = 0; d < dim; d++) sums[c * dim + d] += points[i * dim + d];
    }
    for (let c = 0; c < k; c++) {
      assert.ok(counts[c] > 0, `centroid ${c} has no point`);
      for (let d = 0; d < dim; d++) assert.ok(Math.abs(sums[c * dim + d] / counts[c] - centroids[c * dim + d]) < 1e-5, `centroid ${c} is not its members' mean`);
    }
  });

  test('greedy seeding and convergence give a lower inertia than plain k-means++ with 20 iterations (mean over seeds)', async () => {
    const n = 2000;
    const dim = 8;
    const k = 64;
    let greedy = 0;
    let plain = 0;
    for (let seed = 0; seed < 4; seed++) {
      const random = new Random(100 + seed);
      // A skewed mixture: a few dense blobs and a diffuse background.
      const centres = Array.from({ length: 10 }, () => Array.from({ length: dim }, () => random.normal() * 3));
      const points = new Float32Array(n * dim);
      points.set(blobs(random, centres, 150, 0.5));
      for (let i = 1500 * dim; i < points.length; i++) points[i] = random.normal() * 4;
      greedy += inertia(points, n, await kmeans(points, n, dim, k, new Random(seed)), k, dim);
      plain += inertia(points, n, await kmeans(points, n, dim, k, new Random(seed), { localTrials: 1, maxIterations: 20, tolerance: 0 }), k, dim);
    }
    assert.ok(greedy < plain, `inertia greedy ${greedy.toFixed(1)} vs plain ${plain.toFixed(1)}`);
  });

  test('same seed, same centroids; fewer distinct points than codes still gives k finite centroids', async () => {
    const points = blobs(new Random(5), [[0, 0], [3, 3]], 50, 0.1);
    assert.deepEqual(await kmeans(points, 100, 2, 8, new Random(6)), await kmeans(points, 100, 2, 8, new Random(6)));
    const few = new Float32Array([1, 1, 1, 1, 2, 2]);
    const got = await kmeans(few, 3, 2, 5, new Random(7));
    assert.equal(got.length, 10);
    assert.ok(got.every(Number.isFinite));
  });
});
