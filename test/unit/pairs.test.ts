import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { PairCriterion } from '../../src/engine/config/experiment';
import type { UserSequences } from '../../src/engine/data/types';
import {
  contextsInSequence,
  expectedCooccurrence,
  forEachContext,
  gSquaredCells,
  gSquaredCounts,
  isPositivelyAssociated,
  minePairs,
  minePairsFromSplit,
  npmiCounts,
  PairCountTable,
  PairSampler,
  PAIRS_TSV_HEADER,
  pmiCounts,
  scorePair,
  topPerItem,
  writePairs,
  xlogx,
  type MinedPairs,
  type PairMiningOptions,
} from '../../src/engine/pairs';
import { Random } from '../../src/engine/util/random';

/** The contexts of one sequence as separate arrays (allocates: for these tests only). */
function contextsOf(sequence: Int32Array, window: number): Int32Array[] {
  const out: Int32Array[] = [];
  forEachContext([sequence], window, (items, length) => out.push(items.slice(0, length)));
  return out;
}

const seqs = (...rows: number[][]): Int32Array[] => rows.map((r) => Int32Array.from(r));
const opts = (o: Partial<PairMiningOptions>): PairMiningOptions => ({
  window: 0,
  min_count: 1,
  criterion: 'none',
  threshold: null,
  max_per_item: null,
  ...o,
});
const pairList = (m: MinedPairs): string[] => Array.from(m.a, (a, i) => `${a}-${m.b[i]}`);

describe('association measures', () => {
  it('x ln x is 0 at 0 and G^2 handles empty cells', () => {
    assert.equal(xlogx(0), 0);
    assert.equal(xlogx(1), 0);
    // A pair that is in every context: table [[N,0],[0,0]], no information.
    assert.equal(gSquaredCells(7, 0, 0, 0), 0);
    // Independent table: exactly E everywhere, G^2 = 0 (clamped, never negative).
    assert.equal(gSquaredCells(2, 8, 8, 32), 0);
    assert.ok(Number.isFinite(gSquaredCells(0, 5, 5, 0)));
  });

  it('G^2 matches a table computed by hand step by step', () => {
    // k11=4, n_a=4, n_b=4, N=10 -> cells [[4,0],[0,6]].
    // E = [[1.6,2.4],[2.4,3.6]]; G^2 = 2(4 ln(4/1.6) + 0 + 0 + 6 ln(6/3.6))
    //   = 2(4 * 0.9162907 + 6 * 0.5108256) = 2 * 6.7301167 = 13.4602333
    assert.ok(Math.abs(gSquaredCounts(4, 4, 4, 10) - 13.460233340185129) < 1e-12);
    // k11=10, n_a=30, n_b=20, N=100 -> cells [[10,20],[10,60]], E = [[6,24],[14,56]]:
    // 10 ln(10/6) = 5.1082562, 20 ln(20/24) = -3.6464311, 10 ln(10/14) = -3.3647224,
    // 60 ln(60/56) = 4.1395723; sum 2.2366750; G^2 = 4.4733500.
    assert.ok(Math.abs(gSquaredCounts(10, 30, 20, 100) - 4.473350049571542) < 1e-12);
  });

  it('G^2 reproduces published reference values (Apache Mahout LogLikelihoodTest, cells k11 k12 k21 k22)', () => {
    const published: [number, number, number, number, number, number][] = [
      [1, 0, 0, 1, 2.772589, 1e-6],
      [10, 0, 0, 10, 27.72589, 1e-5],
      [5, 1995, 0, 100000, 39.33052, 1e-5],
      [1000, 1995, 1000, 100000, 4730.737, 1e-3],
      [1000, 1000, 1000, 100000, 5734.343, 1e-3],
      [1000, 1000, 1000, 99000, 5714.932, 1e-3],
    ];
    for (const [k11, k12, k21, k22, want, tol] of published) {
      const got = gSquaredCells(k11, k12, k21, k22);
      assert.ok(Math.abs(got - want) < tol, `G^2(${k11},${k12},${k21},${k22}) = ${got}, published ${want}`);
    }
  });

  it('G^2 agrees with the direct definition sum k ln(k/E) on random tables, including large N', () => {
    const rnd = new Random(3);
    for (let t = 0; t < 500; t++) {
      const n = 1 + rnd.int(t < 250 ? 50 : 10_000_000);
      const na = rnd.int(n + 1);
      const nb = rnd.int(n + 1);
      const lo = Math.max(0, na + nb - n);
      const k11 = lo + rnd.int(Math.min(na, nb) - lo + 1);
      const cells = [k11, na - k11, nb - k11, n - na - nb + k11];
      const expected = [na * nb, na * (n - nb), (n - na) * nb, (n - na) * (n - nb)].map((v) => v / n);
      let direct = 0;
      cells.forEach((k, i) => (direct += k > 0 ? k * Math.log(k / expected[i]) : 0));
      direct *= 2;
      const got = gSquaredCounts(k11, na, nb, n);
      assert.ok(Math.abs(got - direct) <= 1e-6 * Math.max(1, direct), `table ${cells}: ${got} vs ${direct}`);
    }
  });

  it('PMI and NPMI match hand values and their limits', () => {
    // k11=10, n_a=30, n_b=20, N=100: PMI = ln(10*100/600) = ln(5/3); NPMI = PMI / -ln(0.1).
    assert.ok(Math.abs(pmiCounts(10, 30, 20, 100) - 0.5108256237659907) < 1e-12);
    assert.ok(Math.abs(npmiCounts(10, 30, 20, 100) - 0.2218487496163564) < 1e-12);
    assert.equal(expectedCooccurrence(30, 20, 100), 6);
    // Always together in every context: NPMI defined as 1; never together: -1.
    assert.equal(npmiCounts(5, 5, 5, 5), 1);
    assert.equal(npmiCounts(0, 2, 3, 10), -1);
    // Perfect association below N: NPMI = 1 too (PMI = -ln p).
    assert.ok(Math.abs(npmiCounts(3, 3, 3, 12) - 1) < 1e-12);
    assert.equal(pmiCounts(0, 2, 3, 10), -Infinity);
  });

  it('scorePair dispatches per criterion and rejects impossible tables', () => {
    const t = { k11: 10, n_a: 30, n_b: 20, n: 100 };
    assert.equal(scorePair('llr', t), gSquaredCounts(10, 30, 20, 100));
    assert.equal(scorePair('pmi', t), pmiCounts(10, 30, 20, 100));
    assert.equal(scorePair('npmi', t), npmiCounts(10, 30, 20, 100));
    assert.equal(scorePair('count', t), 10);
    assert.equal(scorePair('none', t), 10);
    assert.throws(() => scorePair('llr', { k11: 5, n_a: 4, n_b: 9, n: 10 }), RangeError);
    assert.throws(() => scorePair('llr', { k11: 1, n_a: 8, n_b: 8, n: 10 }), RangeError);
    assert.ok(isPositivelyAssociated(10, 30, 20, 100));
    assert.ok(!isPositivelyAssociated(6, 30, 20, 100));
  });
});

describe('contexts', () => {
  const s = Int32Array.from([5, 3, 5, 1]);
  const asLists = (cs: Int32Array[]): number[][] => cs.map((c) => Array.from(c));

  it('window 0 is the whole sequence, as a set', () => {
    assert.deepEqual(asLists(contextsOf(s, 0)), [[1, 3, 5]]);
  });

  it('window 1 gives one context per position', () => {
    assert.deepEqual(asLists(contextsOf(s, 1)), [[5], [3], [5], [1]]);
  });

  it('window 2 slides by one, and a repeated item counts once', () => {
    assert.deepEqual(asLists(contextsOf(s, 2)), [[3, 5], [3, 5], [1, 5]]);
    assert.deepEqual(asLists(contextsOf(Int32Array.from([7, 7, 7]), 2)), [[7], [7]]);
  });

  it('a window longer than the sequence (or equal to it) is one context; empty sequences have none', () => {
    assert.deepEqual(asLists(contextsOf(s, 10)), [[1, 3, 5]]);
    assert.deepEqual(asLists(contextsOf(s, 4)), [[1, 3, 5]]);
    assert.deepEqual(asLists(contextsOf(new Int32Array(0), 3)), []);
    assert.equal(contextsInSequence(4, 3), 2);
    assert.equal(contextsInSequence(0, 0), 0);
  });

  it('long windows (sorted natively) dedupe too, and the count is returned', () => {
    const long = Int32Array.from({ length: 100 }, (_, i) => (i * 37) % 40);
    const cs: number[][] = [];
    const n = forEachContext([long, long], 0, (items, len) => cs.push(Array.from(items.subarray(0, len))));
    assert.equal(n, 2);
    assert.deepEqual(cs[0], Array.from({ length: 40 }, (_, i) => i));
    assert.throws(() => contextsOf(s, -1), RangeError);
    assert.throws(() => contextsOf(s, 1.5), RangeError);
  });
});

/** Naive reference: Sets per context, a Map keyed by "a,b", the direct G^2 sum. */
function naiveMine(train: Int32Array[], o: PairMiningOptions) {
  const contexts: number[][] = [];
  for (const seq of train) {
    const L = seq.length;
    if (L === 0) continue;
    const w = o.window === 0 || L <= o.window ? L : o.window;
    for (let s = 0; s + w <= L; s++) contexts.push([...new Set(seq.subarray(s, s + w))]);
  }
  const itemCount = new Map<number, number>();
  const pairCount = new Map<string, number>();
  for (const c of contexts) {
    for (const x of c) itemCount.set(x, (itemCount.get(x) ?? 0) + 1);
    for (const x of c) for (const y of c) if (x < y) pairCount.set(`${x},${y}`, (pairCount.get(`${x},${y}`) ?? 0) + 1);
  }
  return { n: contexts.length, itemCount, pairCount };
}

describe('minePairs', () => {
  // Contexts (window 0): [0,1] x6, [0,2,3,4] x2, [1,2,3,4] x2 -> N = 10, n0 = n1 = 8, n2..n4 = 4.
  // (0,1): k11 = 6 (the highest count) but E11 = 6.4: negatively associated -> dropped.
  // (2,3), (2,4), (3,4): k11 = 4, E11 = 1.6 -> kept. (0,2) etc.: k11 = 2, E11 = 3.2 -> dropped.
  const tiny = seqs(
    ...Array.from({ length: 6 }, () => [0, 1]),
    [0, 2, 3, 4], [4, 3, 2, 0],
    [1, 2, 3, 4], [1, 4, 2, 3],
  );

  it('counts a tiny hand-made set exactly', () => {
    const m = minePairs(tiny, 5, opts({ criterion: 'count', min_count: 1, threshold: 1 }));
    assert.equal(m.contexts, 10);
    // Distinct co-occurring pairs: (0,1) (0,2) (0,3) (0,4) (1,2) (1,3) (1,4) (2,3) (2,4) (3,4).
    assert.equal(m.candidates, 10);
    assert.deepEqual(pairList(m), ['2-3', '2-4', '3-4']);
    assert.deepEqual(Array.from(m.k11), [4, 4, 4]);
    assert.equal(m.kept, 3);
  });

  it('drops a negatively associated pair however high its count', () => {
    for (const criterion of ['none', 'count', 'llr', 'pmi', 'npmi'] as PairCriterion[]) {
      const m = minePairs(tiny, 5, opts({ criterion, min_count: 2, threshold: criterion === 'none' ? null : -100 }));
      assert.ok(!pairList(m).includes('0-1'), `${criterion} kept the negative pair 0-1`);
      assert.deepEqual(pairList(m), ['2-3', '2-4', '3-4'], criterion);
    }
  });

  it('applies each criterion threshold (and defaults when null)', () => {
    // G^2 of (2,3) etc.: table k11=4, n_a=4, n_b=4, N=10 = 13.46 (hand-computed above) > 10.83.
    const llr = minePairs(tiny, 5, opts({ criterion: 'llr', min_count: 2 }));
    assert.equal(llr.threshold, 10.83);
    assert.deepEqual(pairList(llr), ['2-3', '2-4', '3-4']);
    assert.ok(Math.abs(llr.score[0] - 13.460233340185129) < 1e-9);
    assert.equal(minePairs(tiny, 5, opts({ criterion: 'llr', min_count: 2, threshold: 13.5 })).kept, 0);
    // PMI of (2,3) = ln(4*10/16) = ln 2.5 = 0.916 < the default 1.0.
    const pmi = minePairs(tiny, 5, opts({ criterion: 'pmi', min_count: 2 }));
    assert.equal(pmi.threshold, 1);
    assert.equal(pmi.kept, 0);
    assert.equal(minePairs(tiny, 5, opts({ criterion: 'pmi', min_count: 2, threshold: 0.9 })).kept, 3);
    // NPMI = ln 2.5 / -ln 0.4 = 1 (perfect association).
    const npmi = minePairs(tiny, 5, opts({ criterion: 'npmi', min_count: 2 }));
    assert.equal(npmi.threshold, 0.1);
    assert.ok(Math.abs(npmi.score[0] - 1) < 1e-12);
    // count: default threshold = min_count; min_count above 4 drops all.
    assert.equal(minePairs(tiny, 5, opts({ criterion: 'count', min_count: 4 })).kept, 3);
    assert.equal(minePairs(tiny, 5, opts({ criterion: 'count', min_count: 5 })).kept, 0);
    assert.equal(minePairs(tiny, 5, opts({ criterion: 'count', min_count: 2, threshold: 5 })).kept, 0);
    // none ignores a threshold.
    const none = minePairs(tiny, 5, opts({ criterion: 'none', min_count: 2, threshold: 1e9 }));
    assert.equal(none.threshold, -Infinity);
    assert.equal(none.kept, 3);
  });

  it('histograms the scores of candidates with k11 >= min_count, with finite edges', () => {
    const m = minePairs(tiny, 5, opts({ criterion: 'llr', min_count: 2 }));
    // k11 >= 2: (0,1)=6, (0,2..4)=2 each, (1,2..4)=2 each, (2,3),(2,4),(3,4)=4 -> 10 pairs.
    assert.equal(m.histogram.counts.reduce((s, c) => s + c, 0), 10);
    assert.equal(m.histogram.edges.length, m.histogram.counts.length + 1);
    assert.ok(m.histogram.edges.every((e, i, all) => Number.isFinite(e) && (i === 0 || e > all[i - 1])));
    // The top bin holds the three G^2 = 13.46 pairs; (0,1) has G^2 = 1.01.
    assert.equal(m.histogram.counts[m.histogram.counts.length - 1], 3);
    const empty = minePairs(seqs([1]), 3, opts({ criterion: 'llr' }));
    assert.deepEqual([empty.candidates, empty.kept, empty.histogram.counts.reduce((s, c) => s + c, 0)], [0, 0, 0]);
    assert.ok(empty.histogram.edges.every(Number.isFinite));
  });

  it('matches a naive Map-based count on random data, sharded and with tables that must grow', () => {
    const rnd = new Random(11);
    const numItems = 300;
    const train: Int32Array[] = [];
    for (let u = 0; u < 400; u++) {
      const len = rnd.int(30);
      // Skewed popularity so that some pairs repeat and the filters bite; items often repeat in a window.
      train.push(Int32Array.from({ length: len }, () => Math.floor(numItems * rnd.next() ** 2)));
      // And users who never repeat an item (the miner's sliding-window shortcut).
      const distinct = rnd.permutation(numItems).subarray(0, len);
      train.push(distinct.map((x) => Math.floor(x ** 2 / numItems)).filter((x, i, all) => all.indexOf(x) === i));
    }
    for (const window of [0, 1, 3, 7]) {
      const o = opts({ window, min_count: 2, criterion: 'llr', threshold: 2 });
      const ref = naiveMine(train, o);
      const plain = minePairs(train, numItems, o);
      const sharded = minePairs(train, numItems, o, { shardPairBudget: 500, initialCapacity: 16 });
      if (window !== 1) assert.ok(sharded.shards > 3, `expected several shards, got ${sharded.shards}`);
      assert.equal(plain.shards, 1);
      for (const m of [plain, sharded]) {
        assert.equal(m.contexts, ref.n);
        assert.equal(m.candidates, ref.pairCount.size);
        const want: string[] = [];
        for (const [key, k11] of ref.pairCount) {
          const [a, b] = key.split(',').map(Number);
          const na = ref.itemCount.get(a)!;
          const nb = ref.itemCount.get(b)!;
          const cells = [k11, na - k11, nb - k11, ref.n - na - nb + k11];
          const e = [na * nb, na * (ref.n - nb), (ref.n - na) * nb, (ref.n - na) * (ref.n - nb)].map((v) => v / ref.n);
          const g2 = 2 * cells.reduce((s, k, i) => s + (k > 0 ? k * Math.log(k / e[i]) : 0), 0);
          if (k11 >= 2 && k11 > e[0] && g2 >= 2) want.push(`${a}-${b}:${k11}`);
        }
        want.sort((x, y) => {
          const [xa, xb] = x.split(/[-:]/).map(Number);
          const [ya, yb] = y.split(/[-:]/).map(Number);
          return xa - ya || xb - yb;
        });
        assert.deepEqual(Array.from(m.a, (a, i) => `${a}-${m.b[i]}:${m.k11[i]}`), want, `window ${window}`);
      }
      assert.deepEqual(sharded.histogram, plain.histogram);
      assert.deepEqual(Array.from(sharded.score), Array.from(plain.score));
    }
  });

  it('rejects item indices outside the catalog and bad options', () => {
    assert.throws(() => minePairs(seqs([0, 5]), 5, opts({})), RangeError);
    assert.throws(() => minePairs(seqs([-1, 2]), 5, opts({})), RangeError);
    assert.throws(() => minePairs(tiny, 5, opts({ min_count: 0 })), RangeError);
    assert.throws(() => minePairs(tiny, 5, opts({ max_per_item: 0 })), RangeError);
    assert.throws(() => minePairs(tiny, 5, opts({ threshold: Number.NaN })), RangeError);
  });

  it('never sees validation or test items when mining UserSequences.train', () => {
    // Train items 0..19; every user's validation and test items are unique ids 100.. that nothing else holds.
    const rnd = new Random(5);
    const users = 60;
    const full: Int32Array[] = [];
    const split: UserSequences = { users: [], train: [], valid: new Int32Array(users), test: new Int32Array(users) };
    for (let u = 0; u < users; u++) {
      const train = Int32Array.from({ length: 3 + rnd.int(6) }, () => rnd.int(20));
      split.users.push(`u${u}`);
      split.train.push(train);
      split.valid[u] = 100 + 2 * u;
      split.test[u] = 101 + 2 * u;
      full.push(Int32Array.from([...train, split.valid[u], split.test[u], split.valid[u], split.test[u]]));
    }
    const numItems = 100 + 2 * users;
    const o = opts({ window: 3, min_count: 1, criterion: 'none' });
    const mined = minePairsFromSplit(split, numItems, o);
    assert.deepEqual(pairList(mined), pairList(minePairs(split.train, numItems, o)));
    assert.ok(mined.kept > 0);
    assert.ok([...mined.a, ...mined.b].every((item) => item < 20), 'a validation/test item leaked into the pairs');
    // The check has teeth: mining the unsplit sequences does pair the held-out items.
    const leaky = minePairs(full, numItems, o);
    assert.ok([...leaky.a, ...leaky.b].some((item) => item >= 100));
  });
});

describe('max_per_item', () => {
  it('keeps a pair when it is among the top m of either endpoint', () => {
    // Scores: (0,1)=5 (0,2)=4 (0,3)=3 (1,2)=10 (2,3)=9 (1,3)=1. With m = 1:
    // item 0 -> (0,1); item 1 -> (1,2); item 2 -> (1,2); item 3 -> (2,3).
    const pairs = {
      a: Int32Array.from([0, 0, 0, 1, 2, 1]),
      b: Int32Array.from([1, 2, 3, 2, 3, 3]),
      k11: Int32Array.from([1, 1, 1, 1, 1, 1]),
      score: Float64Array.from([5, 4, 3, 10, 9, 1]),
    };
    assert.deepEqual(Array.from(topPerItem(pairs, 4, 1)), [1, 0, 0, 1, 1, 0]);
    // m = 2: item 0 keeps (0,1),(0,2); item 3 keeps (2,3),(0,3): everything but (1,3).
    assert.deepEqual(Array.from(topPerItem(pairs, 4, 2)), [1, 1, 1, 1, 1, 0]);
  });

  it('breaks score ties by higher k11, then the lower partner index', () => {
    // m = 1. Hub 4 has (1,4) (2,4) (3,4), all score 2 and k11 9: it keeps (1,4), the lowest partner.
    // Hub 0 has (0,8) k11 2 and (0,9) k11 5, both score 1: it keeps (0,9).
    // Rows list hub 4's pairs with the highest partner first, so a stable sort alone would pick wrongly.
    // Every other item prefers a score-3 pair, so only the hubs' choices decide those pairs.
    const rows: [number, number, number, number][] = [
      [0, 8, 2, 1], [0, 9, 5, 1], [3, 4, 9, 2], [2, 4, 9, 2], [1, 4, 9, 2],
      [1, 5, 1, 3], [2, 6, 1, 3], [3, 7, 1, 3], [8, 10, 1, 3], [9, 11, 1, 3],
    ];
    const pairs = {
      a: Int32Array.from(rows, (r) => r[0]),
      b: Int32Array.from(rows, (r) => r[1]),
      k11: Int32Array.from(rows, (r) => r[2]),
      score: Float64Array.from(rows, (r) => r[3]),
    };
    assert.deepEqual(Array.from(topPerItem(pairs, 12, 1)), [0, 1, 0, 0, 1, 1, 1, 1, 1, 1]);
  });

  it('through minePairs: exactly the union of every item\'s top m, a subset of the uncapped pairs', () => {
    const rnd = new Random(8);
    const train = Array.from({ length: 300 }, () =>
      Int32Array.from({ length: 2 + rnd.int(12) }, () => Math.floor(80 * rnd.next() ** 2)),
    );
    const base = opts({ window: 4, min_count: 2, criterion: 'llr', threshold: 0.5 });
    const all = minePairs(train, 80, base);
    for (const m of [1, 3]) {
      const capped = minePairs(train, 80, { ...base, max_per_item: m });
      assert.ok(capped.kept < all.kept && capped.kept > 0);
      // Brute force: sort each item's pairs (score desc, k11 desc, partner asc), keep m, take the union.
      const incident = new Map<number, number[]>();
      for (let p = 0; p < all.kept; p++) {
        for (const x of [all.a[p], all.b[p]]) incident.set(x, [...(incident.get(x) ?? []), p]);
      }
      const keep = new Set<number>();
      for (const [x, ps] of incident) {
        const partner = (p: number): number => (all.a[p] === x ? all.b[p] : all.a[p]);
        ps.sort((p, q) => all.score[q] - all.score[p] || all.k11[q] - all.k11[p] || partner(p) - partner(q));
        ps.slice(0, m).forEach((p) => keep.add(p));
      }
      const want = pairList(all).filter((_, p) => keep.has(p));
      assert.deepEqual(pairList(capped), want, `m = ${m}`);
      assert.equal(capped.candidates, all.candidates);
    }
  });
});

describe('PairCountTable', () => {
  it('grows past its initial capacity and still matches a Map', () => {
    const table = new PairCountTable(16);
    const ref = new Map<string, number>();
    const rnd = new Random(1);
    for (let i = 0; i < 200_000; i++) {
      const x = rnd.int(2000);
      const y = rnd.int(2000);
      if (x === y) continue;
      const [a, b] = x < y ? [x, y] : [y, x];
      table.increment(a, b);
      ref.set(`${a},${b}`, (ref.get(`${a},${b}`) ?? 0) + 1);
    }
    assert.ok(table.capacity > 16 * 1024, `capacity ${table.capacity}`);
    assert.equal(table.size, ref.size);
    let visited = 0;
    table.forEach((a, b, c) => {
      visited++;
      assert.equal(c, ref.get(`${a},${b}`));
    });
    assert.equal(visited, ref.size);
    assert.equal(table.get(0, 0), 0);
  });
});

describe('PairSampler', () => {
  const many = { a: Int32Array.from({ length: 50 }, (_, i) => i), b: Int32Array.from({ length: 50 }, (_, i) => 100 + i) };

  it('is deterministic for a seed and resumes from the Random state alone', () => {
    const draw = (seed: number, steps: number): number[][] => {
      const s = new PairSampler(many, 8, new Random(seed));
      return Array.from({ length: steps }, () => Array.from(s.next().a));
    };
    assert.deepEqual(draw(4, 20), draw(4, 20));
    assert.notDeepEqual(draw(4, 20), draw(5, 20));
    const rnd = new Random(4);
    const s = new PairSampler(many, 8, rnd);
    for (let i = 0; i < 10; i++) s.next();
    const state = rnd.getState();
    const after = Array.from({ length: 10 }, () => Array.from(s.next().a));
    const rnd2 = new Random(999);
    rnd2.setState(state);
    const resumed = new PairSampler(many, 8, rnd2);
    assert.deepEqual(Array.from({ length: 10 }, () => Array.from(resumed.next().a)), after);
  });

  it('draws distinct, aligned pairs into the same preallocated arrays, roughly uniformly', () => {
    const s = new PairSampler(many, 20, new Random(2));
    const first = s.next();
    const seen = new Int32Array(50);
    for (let step = 0; step < 2000; step++) {
      const batch = s.next();
      assert.equal(batch.a, first.a, 'the batch arrays are reused');
      assert.equal(new Set(batch.a).size, 20);
      for (let i = 0; i < 20; i++) {
        assert.equal(batch.b[i], batch.a[i] + 100);
        seen[batch.a[i]]++;
      }
    }
    // Each pair is expected 2000 * 20 / 50 = 800 times; sd ~ 22.
    for (const c of seen) assert.ok(c > 700 && c < 900, `count ${c}`);
    assert.ok(s.distinct);
  });

  it('repeats every pair evenly when fewer pairs than the batch were kept', () => {
    const few = { a: Int32Array.from([1, 2, 3]), b: Int32Array.from([4, 5, 6]) };
    const s = new PairSampler(few, 8, new Random(0));
    assert.ok(!s.distinct);
    const counts = new Map<number, number>();
    for (const x of s.next().a) counts.set(x, (counts.get(x) ?? 0) + 1);
    assert.deepEqual([...counts.values()].sort(), [2, 3, 3]);
    assert.throws(() => new PairSampler({ a: new Int32Array(0), b: new Int32Array(0) }, 4, new Random(0)), RangeError);
  });
});

describe('writePairs', () => {
  it('writes pairs.tsv and pairs.json atomically, with catalog ids', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'semid-pairs-'));
    try {
      const kept = 60_000; // > 1 MiB of TSV: several chunks.
      const mined: MinedPairs = {
        a: Int32Array.from({ length: kept }, (_, i) => i % 1000),
        b: Int32Array.from({ length: kept }, (_, i) => 1000 + (i % 7)),
        k11: Int32Array.from({ length: kept }, (_, i) => 2 + (i % 5)),
        score: Float64Array.from({ length: kept }, (_, i) => i / 3),
        criterion: 'llr',
        contexts: 1234,
        candidates: 99_999,
        kept,
        threshold: 10.83,
        histogram: { edges: [0, 1, 2], counts: [3, 4] },
        shards: 1,
      };
      const ids = Array.from({ length: 1007 }, (_, i) => `item-${i}`);
      ids[0] = 'tab\there';
      await writePairs(dir, mined, ids);
      assert.deepEqual((await fs.readdir(dir)).sort(), ['pairs.json', 'pairs.tsv']);
      const lines = (await fs.readFile(path.join(dir, 'pairs.tsv'), 'utf8')).split('\n');
      assert.equal(lines[0], PAIRS_TSV_HEADER);
      assert.equal(lines.length, kept + 2);
      assert.equal(lines[kept + 1], '');
      assert.equal(lines[1], 'tab\\there\titem-1000\t2\t0');
      const last = lines[kept].split('\t');
      assert.deepEqual(last, [`item-${(kept - 1) % 1000}`, `item-${1000 + ((kept - 1) % 7)}`, String(2 + ((kept - 1) % 5)), String((kept - 1) / 3)]);
      const json = JSON.parse(await fs.readFile(path.join(dir, 'pairs.json'), 'utf8'));
      assert.deepEqual(json, { criterion: 'llr', threshold: 10.83, contexts: 1234, candidates: 99_999, kept, histogram: { edges: [0, 1, 2], counts: [3, 4] } });
      await writePairs(dir, { ...mined, criterion: 'none', threshold: -Infinity, kept: 0 }, ids);
      const none = JSON.parse(await fs.readFile(path.join(dir, 'pairs.json'), 'utf8'));
      assert.equal(none.threshold, null);
      assert.equal(await fs.readFile(path.join(dir, 'pairs.tsv'), 'utf8'), PAIRS_TSV_HEADER + '\n');
      await assert.rejects(writePairs(dir, mined, ids.slice(0, 10)), RangeError);
      assert.deepEqual((await fs.readdir(dir)).sort(), ['pairs.json', 'pairs.tsv'], 'no temp file left behind');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
