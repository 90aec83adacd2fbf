import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ppmiMatrix, cooccurrenceFeatures } from '../../src/engine/features/cooccurrence';
import { concatColumns } from '../../src/engine/features/cooccurrenceInput';
import { minePairs } from '../../src/engine/pairs';
import { parseExperiment } from '../../src/engine/config';
import { trainRqVae, type TrainingSink } from '../../src/engine/train/trainer';
import { loadModel } from '../../src/engine/model/modelFile';
import { Random } from '../../src/engine/util/random';
import type { EmbeddingMatrix } from '../../src/engine/data/types';
import type { EngineRuntime } from '../../src/engine/tf/backend';

before(async () => {
  await tf.setBackend('cpu');
});

function row(m: EmbeddingMatrix, i: number): Float32Array {
  return m.data.subarray(i * m.dim, (i + 1) * m.dim);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * Two communities of items (0-9 and 10-19) read by different users; items 0 and 1 are
 * always read together. Items 20-23 are never read.
 */
function communitySequences(users: number, random: Random): Int32Array[] {
  const out: Int32Array[] = [];
  for (let u = 0; u < users; u++) {
    const offset = u % 2 === 0 ? 0 : 10;
    const picked = new Set<number>();
    while (picked.size < 4) picked.add(offset + random.int(10));
    if (picked.has(0) || picked.has(1)) picked.add(0).add(1);
    out.push(Int32Array.from(picked));
  }
  return out;
}

describe('PPMI of the kept pairs', () => {
  test('matches a hand computation; symmetric CSR over the items that have pairs, diagonal = row maximum', () => {
    // Counts: (0,1) = 2, (1,2) = 1, item 3 has none. Row sums 2, 3, 1; S = 6.
    const { csr, items } = ppmiMatrix({ a: Int32Array.of(0, 1), b: Int32Array.of(1, 2), k11: Int32Array.of(2, 1) }, 4);
    assert.deepEqual(Array.from(items), [0, 1, 2]);
    assert.deepEqual(Array.from(csr.rowStart), [0, 2, 5, 7]);
    assert.deepEqual(Array.from(csr.colIndex), [0, 1, 0, 1, 2, 1, 2]);
    // PMI(0,1) = ln(2*6 / (2*3)) = ln 2; PMI(1,2) = ln(1*6 / (3*1)) = ln 2; diagonals their row maxima.
    for (const v of csr.values) assert.ok(Math.abs(v - Math.LN2) < 1e-12, String(v));
    // Counts (0,1) = 1, (0,2) = 9, (1,3) = 9, (2,3) = 9: row sums 10, 10, 18, 18; S = 56.
    // PMI(0,1) = ln(56 / 100) < 0: dropped. PMI(0,2) = ln(9*56 / 180) = ln 2.8.
    const neg = ppmiMatrix({ a: Int32Array.of(0, 0, 1, 2), b: Int32Array.of(1, 2, 3, 3), k11: Int32Array.of(1, 9, 9, 9) }, 4);
    const c = (i: number): number => Array.from(neg.items).indexOf(i);
    const row0 = Array.from(neg.csr.colIndex.subarray(neg.csr.rowStart[c(0)], neg.csr.rowStart[c(0) + 1]));
    assert.ok(!row0.includes(c(1)), 'negative PMI is cut to 0 (no entry)');
    const at02 = neg.csr.values[neg.csr.rowStart[c(0)] + row0.indexOf(c(2))];
    assert.ok(Math.abs(at02 - Math.log(2.8)) < 1e-12, String(at02));
  });

  test('items always read together get near-identical vectors; communities separate; unread items are zero', () => {
    const seqs = communitySequences(400, new Random(1));
    const mined = minePairs(seqs, 24, { window: 0, min_count: 2, criterion: 'none', threshold: null, max_per_item: null });
    const f = cooccurrenceFeatures(mined, 24, 8, new Random(2));
    assert.equal(f.matrix.rows, 24);
    assert.equal(f.matrix.dim, 8);
    assert.equal(f.itemsWithPairs, 20);
    for (let i = 0; i < 20; i++) {
      const norm = Math.hypot(...row(f.matrix, i));
      assert.ok(Math.abs(norm - 1) < 1e-5, `row ${i} is L2-normalised (${norm})`);
    }
    for (let i = 20; i < 24; i++) assert.ok(row(f.matrix, i).every((v) => v === 0), `item ${i} has no pairs: zeros`);
    const together = cosine(row(f.matrix, 0), row(f.matrix, 1));
    const sameCommunity = cosine(row(f.matrix, 0), row(f.matrix, 5));
    const otherCommunity = cosine(row(f.matrix, 0), row(f.matrix, 15));
    assert.ok(together > 0.95, `0 and 1 always co-occur: cosine ${together}`);
    assert.ok(together > sameCommunity, `closer than another item of their community (${together} vs ${sameCommunity})`);
    assert.ok(otherCommunity < 0.5 && otherCommunity < sameCommunity - 0.3, `communities separate: ${otherCommunity} vs ${sameCommunity}`);
  });
});

describe('fused input in training', () => {
  const sink: TrainingSink = { emit: () => {}, log: () => {}, stopRequested: () => false };
  const runtime = (): EngineRuntime => ({ tf, backend: 'cpu', reason: 'test', threads: 1 });
  const experiment = (): ReturnType<typeof parseExperiment>['config'] =>
    parseExperiment(
      'name: fuse\nmodel: { encoder: [16], latent_dim: 8, levels: 2, codebook_size: 8 }\ntrain: { epochs: 15, batch_size: 32, lr: 0.003, seed: 0 }\n',
      path.join(os.tmpdir(), 'fuse.rqvae.yaml'),
      { checkFiles: false },
    ).config;

  // Removed even when an assertion fails midway.
  const runDirs: string[] = [];
  after(() => {
    for (const dir of runDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('items with identical content but different co-occurrence get different codes; content-only input assigns from the saved model', async () => {
    // 32 items: items 2k and 2k+1 share their content vector exactly.
    const random = new Random(3);
    const contentDim = 12;
    const content = new Float32Array(32 * contentDim);
    for (let k = 0; k < 16; k++) {
      for (let d = 0; d < contentDim; d++) content[2 * k * contentDim + d] = random.normal();
      content.copyWithin((2 * k + 1) * contentDim, 2 * k * contentDim, (2 * k + 1) * contentDim);
    }
    // Even items are read together, and odd items together: the twins never co-occur.
    const seqs: Int32Array[] = [];
    for (let u = 0; u < 300; u++) {
      const parity = u % 2;
      const picked = new Set<number>();
      while (picked.size < 5) picked.add(2 * random.int(16) + parity);
      seqs.push(Int32Array.from(picked));
    }
    const mined = minePairs(seqs, 32, { window: 0, min_count: 2, criterion: 'none', threshold: null, max_per_item: null });
    const co = cooccurrenceFeatures(mined, 32, 8, new Random(4));
    const contentMatrix = { rows: 32, dim: contentDim, data: content };
    const config = experiment();
    assert.ok(config);

    const train = async (features: EmbeddingMatrix, fuseDim: number): Promise<{ codes: Int32Array; runDir: string }> => {
      const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-fuse-'));
      runDirs.push(runDir);
      const ids = Array.from({ length: 32 }, (_, i) => `item${i}`);
      const result = await trainRqVae(
        {
          config,
          configHash: 'test',
          runDir,
          features,
          fuseDim,
          itemIds: ids,
          interactions: null,
          runtime: runtime(),
          resume: false,
          startEvent: { run_id: 'x', run_dir: runDir, experiment: 'fuse', experiment_path: '', variant: null, seed: 0, backend: 'cpu', backend_reason: '', levels: 2, codebook_size: [8, 8] },
        },
        sink,
      );
      assert.equal(result.status, 'completed');
      const lines = fs.readFileSync(path.join(runDir, 'semantic_ids.jsonl'), 'utf8').trim().split('\n');
      const codes = new Int32Array(32 * 2);
      lines.forEach((l, i) => codes.set((JSON.parse(l) as { sid: number[] }).sid.slice(0, 2), i * 2));
      return { codes, runDir };
    };
    const tuple = (codes: Int32Array, i: number): string => `${codes[2 * i]}-${codes[2 * i + 1]}`;

    const plain = await train(contentMatrix, 0);
    for (let k = 0; k < 16; k++) assert.equal(tuple(plain.codes, 2 * k), tuple(plain.codes, 2 * k + 1), 'content alone cannot tell twins apart');

    const fused = await train(concatColumns(contentMatrix, co.matrix), 8);
    let differ = 0;
    for (let k = 0; k < 16; k++) if (tuple(fused.codes, 2 * k) !== tuple(fused.codes, 2 * k + 1)) differ++;
    // Content alone can separate no twin; the co-occurrence input must separate some. How many
    // depends on the seed: 3-6 of 16 on train seeds 0, 1, 3 and 5, 8 or more on 2 and 4 (measured
    // with independent streams, issue 8); "most" held only for the old seed-0 streams.
    assert.ok(differ > 0, `with the co-occurrence input some twins get different codes (${differ} of 16)`);

    // The saved model knows its fused input; content-only rows (new items) are taken with zeros there.
    const model = loadModel(tf, path.join(fused.runDir, 'model'));
    try {
      assert.deepEqual(model.shape.fuse, { inputDim: 8, encoder: [16] });
      assert.equal(model.shape.inputDim, contentDim);
      const full = model.assign(concatColumns(contentMatrix, co.matrix).data, 32);
      assert.deepEqual(Array.from(full), Array.from(fused.codes), 'the reloaded model reproduces the run\'s codes');
      const zeros = model.assign(concatColumns(contentMatrix, { rows: 32, dim: 8, data: new Float32Array(32 * 8) }).data, 32);
      assert.deepEqual(Array.from(model.assign(content, 32)), Array.from(zeros), 'content-only rows = zero fused input');
    } finally {
      model.dispose();
    }
  });
});
