import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/engine/tf/backend';
import type { TF } from '../../src/engine/tf/types';
import { defaultConfig, type RetrievalOptions } from '../../src/engine/config/experiment';
import { SemanticIdTrie } from '../../src/engine/eval/semanticIdTrie';
import { GenerativeRetriever } from '../../src/engine/eval/model/generativeRetriever';
import { EncoderDecoderRetriever } from '../../src/engine/eval/model/encoderDecoderRetriever';
import { SasRec } from '../../src/engine/eval/model/sasrec';
import { historyBatch } from '../../src/engine/eval/model/sequenceBatch';
import { evaluationSplit, trainingWindows } from '../../src/engine/eval/split';
import { fitRanker } from '../../src/engine/eval/fit';
import { rankCases } from '../../src/engine/eval/ranker';
import { perUser, mean } from '../../src/engine/eval/metrics';
import { evalRandom } from '../../src/engine/eval/streams';
import type { UserSequences } from '../../src/engine/data/types';

let tf: TF;
before(async () => {
  tf = (await initBackend('wasm', null)).tf;
});

/** Items 0..n-1 with random 2-level IDs (4 x 4 codes) plus a collision digit. */
function randomIds(n: number, seed: number): number[][] {
  const random = evalRandom(seed, 'retriever/test-ids');
  const seen = new Map<string, number>();
  return Array.from({ length: n }, () => {
    const codes = [random.int(4), random.int(4)];
    const key = codes.join('-');
    const digit = seen.get(key) ?? 0;
    seen.set(key, digit + 1);
    return [...codes, digit];
  });
}

/** Every user walks a fixed random permutation: the next item is a function of the last one. */
function ruleSequences(items: number, users: number, seed: number): UserSequences {
  const random = evalRandom(seed, 'retriever/test-users');
  const next = random.permutation(items);
  const rows: number[][] = [];
  for (let u = 0; u < users; u++) {
    const len = 5 + random.int(5);
    const row = [random.int(items)];
    while (row.length < len) row.push(next[row[row.length - 1]]);
    rows.push(row);
  }
  return {
    users: rows.map((_, i) => `u${i}`),
    train: rows.map((r) => Int32Array.from(r.slice(0, -2))),
    valid: Int32Array.from(rows.map((r) => r[r.length - 2])),
    test: Int32Array.from(rows.map((r) => r[r.length - 1])),
  };
}

const TINY: RetrievalOptions = {
  ...defaultConfig().eval.retrieval,
  layers: 1, heads: 2, d_model: 32, ff: 64, dropout: 0, lr: 0.01, batch_size: 32, epochs: 8, patience: 8, minutes: 5, beams: 10, max_history: 8,
};

describe('generative retriever', () => {
  it('learns a deterministic next-item rule: test Recall@1 >= 0.9, and the trie yields no invalid ID', async () => {
    await learnsTheRule(
      (trie, sids) => new GenerativeRetriever(tf, { layers: 1, heads: 2, dModel: 32, ff: 64, dropout: 0, maxHistory: 8 }, trie, sids, evalRandom(0, 'retriever/test-init'), 10),
      TINY,
      false,
    );
  });

  it('constrained beam search returns only assigned IDs, distinct, even from an untrained model', () => {
    beamsAreAssignedIds(
      (trie, sids) => new GenerativeRetriever(tf, { layers: 1, heads: 1, dModel: 16, ff: 16, dropout: 0, maxHistory: 4 }, trie, sids, evalRandom(1, 'retriever/test-init'), 25),
      Array.from({ length: 12 }, (_, i) => Int32Array.from([i, (i * 7) % 30, (i * 11) % 30])),
    );
  });
});

type Retriever = GenerativeRetriever | EncoderDecoderRetriever;

/**
 * Trains a retriever on the 40-item rule catalog and checks test Recall@1 >= 0.9, no
 * invalid IDs and no leaked tensors (after ranking too, with `checkRankingLeaks`).
 */
async function learnsTheRule(make: (trie: SemanticIdTrie, sids: number[][]) => Retriever, options: RetrievalOptions, checkRankingLeaks: boolean): Promise<void> {
  const sids = randomIds(40, 1);
  const trie = new SemanticIdTrie(sids, 3);
  const split = evaluationSplit(ruleSequences(40, 300, 2), options.max_history);
  const model = make(trie, sids);
  const before = tf.memory().numTensors;
  const fit = await fitRanker(tf, 'retriever', model, trainingWindows(split), split.valid, options, { onEpoch: () => undefined, stopRequested: () => false });
  assert.equal(tf.memory().numTensors, before, 'training leaks no tensors');
  assert.ok(fit.bestEpoch >= 1);
  const test = await rankCases(model, split.test, options.max_history, 64);
  if (checkRankingLeaks) assert.equal(tf.memory().numTensors, before, 'ranking leaks no tensors');
  const recall1 = mean(perUser(test.ranks, 'recall@1'));
  assert.ok(recall1 >= 0.9, `test Recall@1 = ${recall1}`);
  assert.equal(test.invalid, 0);
  assert.equal(test.generated, split.test.length * 10);
}

/** An untrained retriever's 25 beams per history over sparseIds(): only assigned IDs, all distinct. */
function beamsAreAssignedIds(make: (trie: SemanticIdTrie, sids: number[][]) => Retriever, histories: Int32Array[]): void {
  const sids = sparseIds();
  const trie = new SemanticIdTrie(sids, 4);
  const result = make(trie, sids).beamSearch(historyBatch(histories, 4), 25);
  assert.equal(result.invalid, 0);
  for (let r = 0; r < histories.length; r++) {
    const row = [...result.items.subarray(r * 25, (r + 1) * 25)];
    assert.ok(row.every((item) => item >= 0 && item < 30), `row ${r}: ${row}`);
    assert.equal(new Set(row).size, 25, 'beams are distinct IDs');
  }
}

/** 30 items with sparse, uneven 3-level IDs plus a digit: most token paths are not IDs. */
function sparseIds(): number[][] {
  const random = evalRandom(5, 'retriever/test-sparse');
  const sids: number[][] = [];
  const seen = new Set<string>();
  while (sids.length < 30) {
    const sid = [random.int(16), random.int(16), random.int(16), 0];
    const key = sid.join('-');
    if (!seen.has(key)) { seen.add(key); sids.push(sid); }
  }
  return sids;
}

describe('encoder-decoder retriever (TIGER-style)', () => {
  // Two settings differ from the decoder-only test, both measured: lr 0.01 is unstable for
  // the two attention stacks (test Recall@1 .55 after 8 epochs; .97 after 12 at 0.003), and
  // 6 items of history instead of 8: the encoder's learned positions do not carry over to
  // histories longer than every training example (with 8, Recall@1 fell to .49 on the test
  // users whose 8-item history no training example reached). On real data the windows
  // reach max_history, so every history length is trained.
  const ENCDEC: RetrievalOptions = { ...TINY, lr: 0.003, epochs: 12, patience: 12, max_history: 6 };

  it('learns a deterministic next-item rule: test Recall@1 >= 0.9, and the trie yields no invalid ID', async () => {
    await learnsTheRule(
      (trie, sids) => new EncoderDecoderRetriever(tf, { layers: 1, heads: 2, dModel: 32, ff: 64, dropout: 0, maxHistory: ENCDEC.max_history }, trie, sids, evalRandom(0, 'retriever/test-init'), 10),
      ENCDEC,
      true,
    );
  });

  it('constrained beam search returns only assigned IDs, distinct, even from an untrained model', () => {
    // Histories of different lengths in one batch: padding must not reach the encoder's output.
    beamsAreAssignedIds(
      (trie, sids) => new EncoderDecoderRetriever(tf, { layers: 1, heads: 1, dModel: 16, ff: 16, dropout: 0, maxHistory: 4 }, trie, sids, evalRandom(1, 'retriever/test-init'), 25),
      Array.from({ length: 12 }, (_, i) => Int32Array.from([i, (i * 7) % 30, (i * 11) % 30].slice(i % 3))),
    );
  });

  it('ranks a history the same whether it is batched with longer ones or alone (padding is masked)', () => {
    const sids = sparseIds();
    const trie = new SemanticIdTrie(sids, 4);
    const model = new EncoderDecoderRetriever(tf, { layers: 2, heads: 2, dModel: 16, ff: 16, dropout: 0, maxHistory: 6 }, trie, sids, evalRandom(2, 'retriever/test-init'), 10);
    const short = Int32Array.from([3, 9]);
    const alone = model.beamSearch(historyBatch([short], 6), 10).items;
    const padded = model.beamSearch(historyBatch([Int32Array.from([1, 2, 4, 5, 6, 7]), short], 6), 10).items.subarray(10, 20);
    assert.deepEqual([...padded], [...alone]);
  });
});

describe('SASRec (full softmax)', () => {
  it('learns the same rule from item embeddings', async () => {
    const split = evaluationSplit(ruleSequences(40, 300, 2), TINY.max_history);
    const model = new SasRec(tf, { layers: 1, heads: 2, dModel: 32, ff: 64, dropout: 0, maxHistory: 8 }, 40, evalRandom(0, 'retriever/test-init'));
    await fitRanker(tf, 'sasrec', model, trainingWindows(split), split.valid, TINY, { onEpoch: () => undefined, stopRequested: () => false });
    const recall1 = mean(perUser((await rankCases(model, split.test, TINY.max_history, 64)).ranks, 'recall@1'));
    assert.ok(recall1 >= 0.9, `test Recall@1 = ${recall1}`);
  });
});
