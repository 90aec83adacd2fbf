import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { evaluationSplit, trainingWindows } from '../../src/engine/eval/split';
import { ndcgAt, perUser, rankOf, recallAt, summarizeRanks } from '../../src/engine/eval/metrics';
import { pairedBootstrap } from '../../src/engine/eval/bootstrap';
import { popularityRanks, topItems } from '../../src/engine/eval/popularity';
import { SemanticIdTrie } from '../../src/engine/eval/semanticIdTrie';
import { evalRandom } from '../../src/engine/eval/streams';
import { loadInteractions } from '../../src/engine/data/interactions';
import type { Catalog, UserSequences } from '../../src/engine/data/types';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'eval', 'beauty-300users.txt');

function catalogOf(ids: string[]): Catalog {
  return { items: ids.map((id) => ({ id, fields: {} })), indexById: new Map(ids.map((id, i) => [id, i])), source: 'test' };
}

function sequences(rows: number[][]): UserSequences {
  // Leave-one-out by hand: last = test, one before = validation.
  return {
    users: rows.map((_, i) => `u${i}`),
    train: rows.map((r) => Int32Array.from(r.slice(0, Math.max(0, r.length - 2)))),
    valid: Int32Array.from(rows.map((r) => (r.length >= 3 ? r[r.length - 2] : -1))),
    test: Int32Array.from(rows.map((r) => (r.length >= 2 ? r[r.length - 1] : -1))),
  };
}

describe('evaluation split', () => {
  it('keeps the last max_history items before each target and skips users with fewer than 3 items', () => {
    const split = evaluationSplit(sequences([[1, 2, 3, 4, 5, 6], [7, 8], [9, 10, 11]]), 3);
    assert.equal(split.users.length, 2);
    assert.equal(split.skippedUsers, 1);
    assert.deepEqual([...split.valid[0].history], [2, 3, 4]);
    assert.equal(split.valid[0].target, 5);
    assert.deepEqual([...split.test[0].history], [3, 4, 5]);
    assert.equal(split.test[0].target, 6);
    assert.deepEqual([...split.test[1].history], [9, 10]);
    assert.equal(split.test[1].target, 11);
  });

  it('training windows predict every training item after the first exactly once, from at most max_history items', () => {
    const split = evaluationSplit(sequences([Array.from({ length: 30 }, (_, i) => i)]), 4);
    const windows = trainingWindows(split);
    const targets: number[] = [];
    for (const w of windows) {
      assert.ok(w.items.length <= 5);
      targets.push(...w.items.slice(1));
    }
    assert.deepEqual(targets.sort((a, b) => a - b), Array.from({ length: 27 }, (_, i) => i + 1));
  });

  it('never lets a validation or test target reach training (real Beauty users, leave-one-out from the file)', async () => {
    const ids = new Set<string>();
    const lines = (await import('node:fs')).readFileSync(FIXTURE, 'utf8').trim().split('\n');
    for (const line of lines) for (const t of line.split(' ').slice(1)) ids.add(t);
    const catalog = catalogOf([...ids]);
    const loaded = await loadInteractions(FIXTURE, catalog, null);
    const split = evaluationSplit(loaded.sequences, 20);
    assert.ok(split.users.length > 250);
    const windows = trainingWindows(split);
    const seenInTraining = new Map<number, Set<number>>();
    for (const w of windows) {
      const set = seenInTraining.get(w.user) ?? new Set<number>();
      for (const item of w.items) set.add(item);
      seenInTraining.set(w.user, set);
    }
    // Each raw line: its last two tokens are test and validation; they must not be in that user's training windows
    // unless the same item also occurs earlier in the user's own training part.
    lines.forEach((line) => {
      const [user, ...items] = line.split(' ');
      const u = split.users.indexOf(user);
      if (u < 0) return;
      const trainPart = new Set(items.slice(0, -2));
      const inTraining = seenInTraining.get(u) ?? new Set<number>();
      for (const target of items.slice(-2)) {
        if (trainPart.has(target)) continue;
        assert.ok(!inTraining.has(catalog.indexById.get(target) as number), `user ${user}: target ${target} reached training`);
      }
      assert.equal(split.test[u].target, catalog.indexById.get(items[items.length - 1]));
      assert.equal(split.valid[u].target, catalog.indexById.get(items[items.length - 2]));
    });
  });

  it('counts interaction items that have no ID and warns about them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'semid-eval-split-'));
    const file = path.join(dir, 'seq.txt');
    writeFileSync(file, 'u1 a b c d\nu2 a x b c\nu3 b c a\n');
    const loaded = await loadInteractions(file, catalogOf(['a', 'b', 'c', 'd']), null);
    assert.equal(loaded.unknownItems, 1);
    assert.equal(loaded.totalItems, 11);
    assert.match(loaded.warnings.join('\n'), /1 of 11 interactions name item ids not in the catalog \(e\.g\. 'x'\)/);
  });
});

describe('ranking metrics', () => {
  it('match hand-computed values on known ranks', () => {
    // Ranks 0, 2, 7, 12 (absent = -1): recall@5 = 2/5, recall@10 = 3/5.
    const ranks = [0, 2, 7, -1, 4];
    const m = summarizeRanks(ranks);
    assert.equal(m['recall@5'], 3 / 5);
    assert.equal(m['recall@10'], 4 / 5);
    const g = (r: number): number => 1 / Math.log2(r + 2);
    assert.ok(Math.abs(m['ndcg@5'] - (1 + 0.5 + g(4)) / 5) < 1e-12);
    assert.ok(Math.abs(m['ndcg@10'] - (1 + 0.5 + g(4) + g(7)) / 5) < 1e-12);
    assert.equal(ndcgAt(1, 10), 1 / Math.log2(3));
    assert.equal(recallAt(5, 5), 0);
    assert.equal(recallAt(4, 5), 1);
    assert.deepEqual([...perUser([0, 1, -1], 'recall@1')], [1, 0, 0]);
    assert.equal(rankOf([9, 8, 7], 7), 2);
    assert.equal(rankOf([9, 8, 7], 1), -1);
  });
});

describe('paired bootstrap', () => {
  it('recovers a known difference with an interval around it and a small p-value', () => {
    const random = evalRandom(1, 'paired-bootstrap/test-data');
    const n = 4000;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = random.next() < 0.1 ? 1 : 0;
      // b hits wherever a does, plus 5% more users: a true difference of about 0.05.
      b[i] = a[i] === 1 || random.next() < 0.05 / 0.9 ? 1 : 0;
    }
    const observed = b.reduce((s, v) => s + v, 0) / n - a.reduce((s, v) => s + v, 0) / n;
    const r = pairedBootstrap(a, b, { samples: 1000, seed: 3 });
    assert.ok(Math.abs(r.difference - observed) < 1e-12);
    assert.ok(r.low < 0.05 && r.high > 0.05, `interval [${r.low}, ${r.high}] should hold 0.05`);
    assert.ok(r.low > 0, 'the interval excludes 0');
    assert.ok(r.p < 0.01, `p = ${r.p}`);
  });

  it('finds no difference between two draws of the same model', () => {
    const random = evalRandom(2, 'paired-bootstrap/test-data');
    const n = 4000;
    const a = Float64Array.from({ length: n }, () => (random.next() < 0.1 ? 1 : 0));
    const b = Float64Array.from({ length: n }, () => (random.next() < 0.1 ? 1 : 0));
    const r = pairedBootstrap(a, b, { samples: 1000, seed: 3 });
    assert.ok(r.low < r.difference && r.difference < r.high);
    const same = pairedBootstrap(a, a, { samples: 200 });
    assert.equal(same.difference, 0);
    assert.equal(same.low, 0);
    assert.equal(same.high, 0);
    assert.equal(same.p, 1);
  });
});

describe('most-popular baseline', () => {
  it('ranks by training counts for validation and adds validation items for the test', () => {
    assert.deepEqual([...topItems([3, 5, 5, 1], 3)], [1, 2, 0]);
    // Training: item 0 x4, item 1 x2, item 2 never; validation targets are all item 2 (x3): second on the test list.
    const split = evaluationSplit(sequences([[0, 1, 2, 2], [0, 1, 2, 0], [0, 0, 2, 1]]), 20);
    const ranks = popularityRanks(split, 3);
    assert.deepEqual([...ranks.valid], [2, 2, 2]);
    assert.deepEqual([...ranks.test], [1, 0, 2]);
  });
});

describe('semantic-ID trie', () => {
  it('allows only continuations of assigned IDs and finds each item by its full ID', () => {
    const trie = new SemanticIdTrie([[1, 2, 0], [1, 2, 1], [1, 3, 0], [4, 0, 0], []], 3);
    assert.deepEqual([...trie.children(SemanticIdTrie.ROOT).tokens], [1, 4]);
    const n1 = trie.child(SemanticIdTrie.ROOT, 1);
    assert.deepEqual([...trie.children(n1).tokens], [2, 3]);
    assert.equal(trie.lookup([1, 2, 1]), 1);
    assert.equal(trie.lookup([4, 0, 0]), 3);
    assert.equal(trie.lookup([4, 0, 1]), -1);
    assert.deepEqual(trie.vocab, [5, 4, 2]);
  });
});
