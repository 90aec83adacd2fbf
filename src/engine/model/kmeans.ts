import type { Random } from '../util/random';
import { Cancellation } from '../util/cancellation';

/** Points between two cancellation checks (a Lloyd pass over a 16k sample at K=256 takes seconds). */
const CHECK_EVERY = 512;

/**
 * k-means on row-major float32 points (pure JS, so every backend gets the same
 * codebooks; it runs once, on a sample, to initialise each codebook; design §4).
 *
 * The algorithm of the TIGER reference (scikit-learn's KMeans), since the codebooks it
 * starts from decide how many codes survive training (bench/parity.bench.ts): greedy
 * k-means++ seeding (each centre the best of 2 + ln k candidates drawn by D²), then
 * Lloyd iterations until the centres move less than `tolerance` x the points' mean
 * variance (or `maxIterations`). Plain seeding with a fixed 20 iterations left 4-5
 * points more level-0 codes dead after training on Beauty, in the engine and in PyTorch.
 * The points are centred first: encoder outputs at initialisation sit in a cloud far
 * narrower than its distance from the origin. Async only to let a stop request in:
 * `cancel` is checked between chunks of points.
 */
export interface KmeansOptions {
  /** Lloyd iterations at most (scikit-learn's default, 300). */
  maxIterations?: number;
  /** Stop when the squared centre shift summed over centres is at most this x the mean per-dimension variance (scikit-learn's tol). */
  tolerance?: number;
  /** Candidates per k-means++ draw; default 2 + floor(ln k). 1 = plain k-means++. */
  localTrials?: number;
}

export async function kmeans(
  points: Float32Array,
  n: number,
  dim: number,
  k: number,
  random: Random,
  options: KmeansOptions = {},
  cancel: Cancellation = Cancellation.none,
): Promise<Float32Array> {
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = options.tolerance ?? 1e-4;
  const trials = Math.max(1, options.localTrials ?? 2 + Math.floor(Math.log(k)));
  const out = new Float32Array(k * dim);
  if (n === 0) return out;

  const { centred, mean, meanVariance } = centre(points, n, dim);
  const centroids = await seedPlusPlus(centred, n, dim, k, random, trials, cancel);
  const assign = new Int32Array(n).fill(-1);
  const distance = new Float64Array(n);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  const threshold = tolerance * meanVariance;
  const quarterGaps = new Float64Array(k * k);
  for (let it = 0; it < maxIterations; it++) {
    let changed = 0;
    centreQuarterGaps(centroids, k, dim, quarterGaps);
    for (let i = 0; i < n; i++) {
      if (i % CHECK_EVERY === 0) await cancel.check();
      const index = nearestCentre(centred, i, centroids, k, dim, Math.max(0, assign[i]), quarterGaps, distance);
      if (index !== assign[i]) changed++;
      assign[i] = index;
    }
    if (changed === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      counts[c]++;
      for (let d = 0; d < dim; d++) sums[c * dim + d] += centred[i * dim + d];
    }
    let shift = 0;
    const taken = new Uint8Array(n);
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster takes the point farthest from its centre, so no code starts dead.
        const p = farthest(distance, taken);
        taken[p] = 1;
        distance[p] = 0;
        for (let d = 0; d < dim; d++) {
          const v = centred[p * dim + d];
          shift += (v - centroids[c * dim + d]) ** 2;
          centroids[c * dim + d] = v;
        }
        continue;
      }
      for (let d = 0; d < dim; d++) {
        const v = sums[c * dim + d] / counts[c];
        shift += (v - centroids[c * dim + d]) ** 2;
        centroids[c * dim + d] = v;
      }
    }
    if (shift <= threshold) break;
  }
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < dim; d++) out[c * dim + d] = centroids[c * dim + d] + mean[d];
  }
  return out;
}

/** The points minus their mean, in float64, and the mean variance per dimension. */
function centre(points: Float32Array, n: number, dim: number): { centred: Float64Array; mean: Float64Array; meanVariance: number } {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += points[i * dim + d];
  for (let d = 0; d < dim; d++) mean[d] /= n;
  const centred = new Float64Array(n * dim);
  let squares = 0;
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) {
      const v = points[i * dim + d] - mean[d];
      centred[i * dim + d] = v;
      squares += v * v;
    }
  }
  return { centred, mean, meanVariance: squares / (n * dim) };
}

/**
 * Greedy k-means++: each new centre is the best (lowest total D²) of `trials` D²-drawn
 * candidates. A point whose own centre is at least twice as far from a candidate as
 * the point is keeps its distance without computing it (as in nearestCentre).
 */
async function seedPlusPlus(points: Float64Array, n: number, dim: number, k: number, random: Random, trials: number, cancel: Cancellation): Promise<Float64Array> {
  const centroids = new Float64Array(k * dim);
  const closest = new Float64Array(n);
  const owner = new Int32Array(n);
  const candidate = new Float64Array(n);
  const candidateOwner = new Int32Array(n);
  const best = new Float64Array(n);
  const bestOwner = new Int32Array(n);
  const cumulative = new Float64Array(n);
  const quarterGaps = new Float64Array(k);
  let first = random.int(n);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = rowDistance(points, i, points, first, dim);
    potential += closest[i];
  }
  for (let d = 0; d < dim; d++) centroids[d] = points[first * dim + d];
  for (let c = 1; c < k; c++) {
    await cancel.check();
    if (potential <= 0) {
      // Fewer distinct points than codes: reuse points at random.
      first = random.int(n);
      for (let d = 0; d < dim; d++) centroids[c * dim + d] = points[first * dim + d];
      continue;
    }
    let running = 0;
    for (let i = 0; i < n; i++) cumulative[i] = running += closest[i];
    let chosen = -1;
    let chosenPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const p = searchCumulative(cumulative, random.next() * running);
      for (let j = 0; j < c; j++) quarterGaps[j] = rowDistance(points, p, centroids, j, dim) / 4;
      let total = 0;
      for (let i = 0; i < n; i++) {
        let dd = closest[i];
        let o = owner[i];
        if (quarterGaps[o] < dd) {
          const e = rowDistance(points, i, points, p, dim);
          if (e < dd) [dd, o] = [e, c];
        }
        candidate[i] = dd;
        candidateOwner[i] = o;
        total += dd;
      }
      if (total < chosenPotential) {
        chosenPotential = total;
        chosen = p;
        best.set(candidate);
        bestOwner.set(candidateOwner);
      }
    }
    closest.set(best);
    owner.set(bestOwner);
    potential = chosenPotential;
    for (let d = 0; d < dim; d++) centroids[c * dim + d] = points[chosen * dim + d];
  }
  return centroids;
}

/** First index whose cumulative weight exceeds `target` (the last one on rounding). */
function searchCumulative(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function farthest(distance: Float64Array, taken: Uint8Array): number {
  let best = 0;
  let bestD = -1;
  for (let i = 0; i < distance.length; i++) {
    if (!taken[i] && distance[i] > bestD) {
      bestD = distance[i];
      best = i;
    }
  }
  return best;
}

function rowDistance(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, dim: number): number {
  let s = 0;
  const ai = i * dim;
  const bj = j * dim;
  for (let d = 0; d < dim; d++) {
    const t = a[ai + d] - b[bj + d];
    s += t * t;
  }
  return s;
}

/** (||c_a - c_b|| / 2)² for every pair of centres. */
function centreQuarterGaps(centroids: Float64Array, k: number, dim: number, out: Float64Array): void {
  for (let a = 0; a < k; a++) {
    out[a * k + a] = 0;
    for (let b = a + 1; b < k; b++) out[a * k + b] = out[b * k + a] = rowDistance(centroids, a, centroids, b, dim) / 4;
  }
}

/**
 * The centre nearest to point i (its squared distance into `distance[i]`), starting
 * from `start`. A centre c at least twice as far from the best so far as the point is
 * cannot be nearer (triangle inequality, Elkan 2003), so its distance is not computed.
 */
function nearestCentre(points: Float64Array, i: number, centroids: Float64Array, k: number, dim: number, start: number, quarterGaps: Float64Array, distance: Float64Array): number {
  let best = start;
  let bestD = rowDistance(points, i, centroids, start, dim);
  for (let c = 0; c < k; c++) {
    if (c === start || quarterGaps[best * k + c] >= bestD) continue;
    const dd = rowDistance(points, i, centroids, c, dim);
    if (dd < bestD || (dd === bestD && c < best)) {
      bestD = dd;
      best = c;
    }
  }
  distance[i] = bestD;
  return best;
}
