/**
 * Collaborative pair mining with a minimum-informativeness criterion (seed method,
 * item 1; design §4 "Pairs").
 *
 * 1. Cut each TRAINING sequence into contexts (contexts.ts) and count, per item, the
 *    contexts holding it (n_a) and the number of contexts N.
 * 2. Count k11 for every co-occurring pair (a < b) in a typed-array hash table
 *    (pairCountTable.ts). To bound memory the pairs are counted in shards: contiguous
 *    ranges of the first item a, each shard one pass over the contexts. Shards are
 *    planned from an upper bound on each item's distinct partners, so no table ever
 *    holds more than `shardPairBudget` pairs.
 * 3. Keep a pair when k11 >= min_count, k11 > E11 (positive association: a frequent
 *    pair that co-occurs less than chance is noise, however high its count) and its
 *    score >= threshold (criterion none: the first two tests only).
 * 4. `max_per_item = m`: every item keeps its m best-scoring kept pairs, and a pair
 *    survives when EITHER endpoint keeps it. So each item still has up to m partners
 *    (a rare item is not starved because its partner is a hub with better pairs);
 *    a hub may end with more than m pairs, chosen by its partners.
 * 5. Output sorted by a, then b.
 */
import { defaultThreshold, type PairCriterion } from '../config/experiment';
import type { UserSequences } from '../data/types';
import { isPositivelyAssociated, scoreCounts } from './association';
import { checkWindow, forEachContext } from './contexts';
import { GrowableArray } from './growable';
import { PairCountTable } from './pairCountTable';
import { scoreHistogram, type ScoreHistogram } from './scoreHistogram';

/** `collab.pairs` of the experiment file. */
export interface PairMiningOptions {
  window: number;
  min_count: number;
  criterion: PairCriterion;
  /** null = the criterion's default (defaultThreshold). Ignored by criterion none. */
  threshold: number | null;
  max_per_item: number | null;
}

export interface MinedPairs {
  /** Kept pairs, a[i] < b[i], sorted by a then b. */
  a: Int32Array;
  b: Int32Array;
  /** Contexts holding both items. */
  k11: Int32Array;
  /** The criterion's score (association.ts scoreCounts). */
  score: Float64Array;
  criterion: PairCriterion;
  /** N: contexts cut from the training sequences. */
  contexts: number;
  /** Distinct pairs that co-occur at least once (k11 >= 1). */
  candidates: number;
  /** Pairs kept (= a.length). */
  kept: number;
  /** The threshold applied: the configured one, or the criterion's default; -Infinity for none. */
  threshold: number;
  /** Scores of the candidates with k11 >= min_count (kept or not): where the threshold cuts. */
  histogram: ScoreHistogram;
  /** Counting passes over the contexts (1 unless the pair budget forced sharding). */
  shards: number;
}

/** Performance knobs; the defaults suit a 100k-item, 10M-interaction catalog. */
export interface PairMiningTuning {
  /** Most distinct pairs one shard's table may hold (default 2^24: at most 2^25 slots, 384 MiB). */
  shardPairBudget?: number;
  /** First capacity of each shard's table; it grows as needed (default 2^16). */
  initialCapacity?: number;
}

/** The effective threshold of a pair-mining configuration. */
export function effectiveThreshold(opts: PairMiningOptions): number {
  if (opts.criterion === 'none') return -Infinity;
  return opts.threshold ?? defaultThreshold(opts.criterion, opts.min_count);
}

/**
 * Mines collaborative pairs from the TRAINING part of the interactions.
 *
 * @param trainSequences `UserSequences.train` and nothing else: the miner reads every
 *   item of every sequence it is given, so a sequence that still holds its validation
 *   or test item would leak it into training.
 * @param numItems catalog size; every item index must lie in [0, numItems).
 */
export function minePairs(
  trainSequences: readonly Int32Array[],
  numItems: number,
  opts: PairMiningOptions,
  tuning: PairMiningTuning = {},
): MinedPairs {
  checkOptions(numItems, opts);
  const budget = tuning.shardPairBudget ?? 2 ** 24;
  const initialCapacity = tuning.initialCapacity ?? 1 << 16;
  if (!(budget >= 1)) throw new RangeError(`shardPairBudget must be >= 1, got ${budget}`);
  const { criterion, min_count: minCount } = opts;
  const threshold = effectiveThreshold(opts);

  // Pass 0: N, n_a, and a bound on the distinct partners b > a of each item a.
  const itemContexts = new Int32Array(numItems);
  const partnerBound = new Float64Array(numItems);
  const n = forEachContext(trainSequences, opts.window, (items, length) => {
    for (let r = 0; r < length; r++) {
      const item = items[r];
      if (!(item >= 0 && item < numItems)) {
        throw new RangeError(`item index ${item} outside the catalog [0, ${numItems})`);
      }
      itemContexts[item]++;
      partnerBound[item] += length - 1 - r;
    }
  });
  if (n > 2 ** 31 - 1) throw new RangeError(`${n} contexts: more than the 2^31-1 the counters hold`);

  const shards = planShards(partnerBound, budget);
  const paths = splitByCountingPath(trainSequences, opts.window);
  const keptA = new GrowableArray(Int32Array);
  const keptB = new GrowableArray(Int32Array);
  const keptK = new GrowableArray(Int32Array);
  const keptScore = new GrowableArray(Float64Array);
  // Float32 halves the memory of the one list that grows with the candidates; bins are far wider than its rounding.
  const binned = new GrowableArray(Float32Array);
  let scoreMin = Infinity;
  let scoreMax = -Infinity;
  let candidates = 0;

  for (let s = 0; s + 1 < shards.length; s++) {
    const lo = shards[s];
    const hi = shards[s + 1];
    const table = countShard(paths, opts.window, lo, hi, new PairCountTable(initialCapacity));
    candidates += table.size;
    table.forEach((a, b, k11) => {
      if (k11 < minCount) return;
      const na = itemContexts[a];
      const nb = itemContexts[b];
      const score = scoreCounts(criterion, k11, na, nb, n);
      binned.push(score);
      if (score < scoreMin) scoreMin = score;
      if (score > scoreMax) scoreMax = score;
      if (!isPositivelyAssociated(k11, na, nb, n)) return;
      if (score < threshold) return;
      keptA.push(a);
      keptB.push(b);
      keptK.push(k11);
      keptScore.push(score);
    });
  }

  const histogram = scoreHistogram(binned.view(), scoreMin, scoreMax);
  const pairs = { a: keptA.view(), b: keptB.view(), k11: keptK.view(), score: keptScore.view() };
  const survivors = opts.max_per_item === null ? null : topPerItem(pairs, numItems, opts.max_per_item);
  const order = sortedOrder(pairs, numItems, survivors);
  const kept = order.length;
  const out = {
    a: new Int32Array(kept),
    b: new Int32Array(kept),
    k11: new Int32Array(kept),
    score: new Float64Array(kept),
  };
  for (let i = 0; i < kept; i++) {
    const p = order[i];
    out.a[i] = pairs.a[p];
    out.b[i] = pairs.b[p];
    out.k11[i] = pairs.k11[p];
    out.score[i] = pairs.score[p];
  }
  return { ...out, criterion, contexts: n, candidates, kept, threshold, histogram, shards: shards.length - 1 };
}

/** Mines pairs from a split data set: reads `sequences.train` only, never `valid` or `test`. */
export function minePairsFromSplit(
  sequences: UserSequences,
  numItems: number,
  opts: PairMiningOptions,
  tuning: PairMiningTuning = {},
): MinedPairs {
  return minePairs(sequences.train, numItems, opts, tuning);
}

function checkOptions(numItems: number, opts: PairMiningOptions): void {
  if (!Number.isInteger(numItems) || numItems < 0) throw new RangeError(`numItems must be an integer >= 0, got ${numItems}`);
  checkWindow(opts.window);
  if (!Number.isInteger(opts.min_count) || opts.min_count < 1) {
    throw new RangeError(`min_count must be an integer >= 1, got ${opts.min_count}`);
  }
  if (opts.threshold !== null && !Number.isFinite(opts.threshold)) {
    throw new RangeError(`threshold must be a finite number or null, got ${opts.threshold}`);
  }
  if (opts.max_per_item !== null && (!Number.isInteger(opts.max_per_item) || opts.max_per_item < 1)) {
    throw new RangeError(`max_per_item must be an integer >= 1 or null, got ${opts.max_per_item}`);
  }
}

/**
 * Counts k11 of every pair whose first item a lies in [lo, hi).
 * A sliding-window sequence with no item repeated within a window takes a shortcut:
 * each window then holds exactly one occurrence of each of its items, so the pair at
 * positions (i, j), j - i < window, lies in exactly the windows covering both
 * positions, and one increment by that number replaces one increment per window
 * (about 2x fewer hash-table updates at window 5). Other sequences are cut into
 * deduplicated contexts.
 */
function countShard(
  paths: CountingPaths,
  window: number,
  lo: number,
  hi: number,
  table: PairCountTable,
): PairCountTable {
  for (const seq of paths.repeatFree) {
    const length = seq.length;
    const lastStart = length - window;
    for (let i = 0; i < length; i++) {
      const x = seq[i];
      const end = Math.min(length, i + window);
      for (let j = i + 1; j < end; j++) {
        const y = seq[j];
        const a = x < y ? x : y;
        if (a < lo || a >= hi) continue;
        // Window starts s with j - window + 1 <= s <= i, within [0, lastStart].
        const cover = Math.min(i, lastStart) - Math.max(0, j - window + 1) + 1;
        table.increment(a, x < y ? y : x, cover);
      }
    }
  }
  forEachContext(paths.general, window, (items, length) => {
    for (let i = 0; i < length; i++) {
      const a = items[i];
      if (a < lo) continue;
      if (a >= hi) break;
      for (let j = i + 1; j < length; j++) table.increment(a, items[j]);
    }
  });
  return table;
}

interface CountingPaths {
  /** Longer than the window, no item twice within one window: counted by position pairs. */
  repeatFree: Int32Array[];
  /** Everything else: counted context by context. */
  general: Int32Array[];
}

/** Sorts the sequences once between the two counting paths (each shard pass reuses it). */
function splitByCountingPath(trainSequences: readonly Int32Array[], window: number): CountingPaths {
  const paths: CountingPaths = { repeatFree: [], general: [] };
  for (const seq of trainSequences) {
    const fast = window > 0 && seq.length > window && !repeatsWithin(seq, window);
    (fast ? paths.repeatFree : paths.general).push(seq);
  }
  return paths;
}

/** Whether some item occurs twice less than `window` positions apart. */
function repeatsWithin(seq: Int32Array, window: number): boolean {
  for (let i = 1; i < seq.length; i++) {
    const from = Math.max(0, i - window + 1);
    for (let j = from; j < i; j++) if (seq[j] === seq[i]) return true;
  }
  return false;
}

/**
 * Splits items 0..n-1 into contiguous ranges of first items whose distinct pairs
 * cannot exceed `budget`: item a has at most min(partner occurrences, n-1-a) distinct
 * partners b > a. Returns the range boundaries [0, ..., n].
 */
export function planShards(partnerOccurrences: Float64Array, budget: number): number[] {
  const n = partnerOccurrences.length;
  const bounds = [0];
  let load = 0;
  for (let a = 0; a < n; a++) {
    const w = Math.min(partnerOccurrences[a], n - 1 - a);
    if (load > 0 && load + w > budget) {
      bounds.push(a);
      load = 0;
    }
    load += w;
  }
  bounds.push(n);
  return bounds;
}

interface PairColumns {
  a: Int32Array;
  b: Int32Array;
  k11: Int32Array;
  score: Float64Array;
}

/**
 * Marks the pairs that survive `max_per_item = m`: a pair survives when it is among
 * the m best of either endpoint (higher score first, then higher k11, then the lower
 * partner index, so ties break the same way on every run).
 */
export function topPerItem(pairs: PairColumns, numItems: number, m: number): Uint8Array {
  const count = pairs.a.length;
  const survive = new Uint8Array(count);
  // Incidence lists in CSR form: each pair appears under both of its items.
  const start = new Int32Array(numItems + 1);
  for (let p = 0; p < count; p++) {
    start[pairs.a[p] + 1]++;
    start[pairs.b[p] + 1]++;
  }
  for (let i = 0; i < numItems; i++) start[i + 1] += start[i];
  const fill = start.slice(0, numItems);
  const incident = new Int32Array(2 * count);
  for (let p = 0; p < count; p++) {
    incident[fill[pairs.a[p]]++] = p;
    incident[fill[pairs.b[p]]++] = p;
  }
  for (let item = 0; item < numItems; item++) {
    const list = incident.subarray(start[item], start[item + 1]);
    if (list.length > m) {
      const partner = (p: number): number => (pairs.a[p] === item ? pairs.b[p] : pairs.a[p]);
      list.sort((p, q) => pairs.score[q] - pairs.score[p] || pairs.k11[q] - pairs.k11[p] || partner(p) - partner(q));
    }
    const keep = Math.min(m, list.length);
    for (let i = 0; i < keep; i++) survive[list[i]] = 1;
  }
  return survive;
}

/** Indices of the (surviving) pairs ordered by a, then b: a counting sort on a, then each bucket by b. */
function sortedOrder(pairs: PairColumns, numItems: number, survivors: Uint8Array | null): Int32Array {
  const count = pairs.a.length;
  const start = new Int32Array(numItems + 1);
  let total = 0;
  for (let p = 0; p < count; p++) {
    if (survivors !== null && survivors[p] === 0) continue;
    start[pairs.a[p] + 1]++;
    total++;
  }
  for (let i = 0; i < numItems; i++) start[i + 1] += start[i];
  const fill = start.slice(0, numItems);
  const order = new Int32Array(total);
  for (let p = 0; p < count; p++) {
    if (survivors !== null && survivors[p] === 0) continue;
    order[fill[pairs.a[p]]++] = p;
  }
  for (let item = 0; item < numItems; item++) {
    if (start[item + 1] - start[item] > 1) {
      order.subarray(start[item], start[item + 1]).sort((p, q) => pairs.b[p] - pairs.b[q]);
    }
  }
  return order;
}
