import type { Random } from '../util/random';
import { Cancellation } from '../util/cancellation';

/** Points between two cancellation checks (a Lloyd pass over a 16k sample at K=256 takes seconds). */
const CHECK_EVERY = 512;

/**
 * k-means with k-means++ seeding on row-major float32 points (pure JS: it runs once,
 * on a sample, to initialise each codebook; design §4). Async only to let a stop request
 * in: `cancel` is checked between chunks of points.
 */
export async function kmeans(
  points: Float32Array,
  n: number,
  dim: number,
  k: number,
  random: Random,
  iterations = 20,
  cancel: Cancellation = Cancellation.none,
): Promise<Float32Array> {
  const centroids = new Float32Array(k * dim);
  if (n === 0) return centroids;
  await seedPlusPlus(points, n, dim, k, random, centroids, cancel);
  const assign = new Int32Array(n);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  for (let it = 0; it < iterations; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      if (i % CHECK_EVERY === 0) await cancel.check();
      const c = nearest(points, i, centroids, k, dim).index;
      if (c !== assign[i] || it === 0) changed++;
      assign[i] = c;
    }
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      counts[c]++;
      for (let d = 0; d < dim; d++) sums[c * dim + d] += points[i * dim + d];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster takes a random point, so no code starts dead.
        const p = random.int(n);
        for (let d = 0; d < dim; d++) centroids[c * dim + d] = points[p * dim + d];
        continue;
      }
      for (let d = 0; d < dim; d++) centroids[c * dim + d] = sums[c * dim + d] / counts[c];
    }
    if (changed === 0) break;
  }
  return centroids;
}

async function seedPlusPlus(points: Float32Array, n: number, dim: number, k: number, random: Random, out: Float32Array, cancel: Cancellation): Promise<void> {
  const minDist = new Float64Array(n).fill(Infinity);
  let chosen = random.int(n);
  for (let c = 0; c < k; c++) {
    await cancel.check();
    for (let d = 0; d < dim; d++) out[c * dim + d] = points[chosen * dim + d];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dd = squaredDistance(points, i, out, c, dim);
      if (dd < minDist[i]) minDist[i] = dd;
      total += minDist[i];
    }
    if (c + 1 === k) break;
    if (total <= 0) {
      // Fewer distinct points than codes: reuse points at random.
      chosen = random.int(n);
      continue;
    }
    let target = random.next() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= minDist[i];
      if (target <= 0) {
        chosen = i;
        break;
      }
    }
  }
}

function squaredDistance(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let s = 0;
  const ai = i * dim;
  const bj = j * dim;
  for (let d = 0; d < dim; d++) {
    const t = a[ai + d] - b[bj + d];
    s += t * t;
  }
  return s;
}

/** Index of the centroid nearest to point i, and its squared distance. */
export function nearest(points: Float32Array, i: number, centroids: Float32Array, k: number, dim: number): { index: number; distance: number } {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < k; c++) {
    const dd = squaredDistance(points, i, centroids, c, dim);
    if (dd < bestD) {
      bestD = dd;
      best = c;
    }
  }
  return { index: best, distance: bestD };
}
