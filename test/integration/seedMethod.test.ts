import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, runCli, tempDir, runDirOf, readJsonl } from '../support/cli';
import type { LossesEvent, RunSummary } from '../../src/protocol';

// Every seed-method term on at once, on the bundled example (real Scientific data and
// its given RecBole split): a short run with small windows so dead-code checks happen.
const EVERY_TERM = [
  '--set', 'train.epochs=4',
  '--set', 'model.encoder=[128]',
  '--set', 'model.latent_dim=16',
  '--set', 'model.codebook_size=64',
  '--set', 'collab.weight=0.5',
  '--set', 'collab.pairs_per_step=128',
  '--set', 'collab.pairs.min_count=1',
  '--set', 'balance.weight=0.1',
  '--set', 'balance.temperature=0.1',
  '--set', 'dead_codes.reinit=true',
  '--set', 'dead_codes.window=7',
  '--backend', 'wasm',
];

test('a run with every term on: pairs, dead-code re-initialisation, finite losses, coherence', async () => {
  const out = tempDir('seed');
  try {
    const result = await runCli(['train', EXAMPLE, ...EVERY_TERM, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const runDir = runDirOf(result);
    const events = readJsonl(path.join(runDir, 'metrics.jsonl'));

    const pairs = events.filter((e) => e.type === 'pairs');
    assert.equal(pairs.length, 1);
    const p = pairs[0] as { kept: number; candidates: number; criterion: string; histogram: { counts: number[] } };
    assert.equal(p.criterion, 'llr');
    assert.ok(p.kept > 0 && p.kept <= p.candidates, `kept ${p.kept} of ${p.candidates}`);
    assert.ok(fs.existsSync(path.join(runDir, 'pairs.tsv')));
    const tsvRows = fs.readFileSync(path.join(runDir, 'pairs.tsv'), 'utf8').trim().split('\n').length - 1;
    assert.equal(tsvRows, p.kept);

    const losses = events.filter((e) => e.type === 'losses') as unknown as LossesEvent[];
    assert.equal(losses.length, 4 * 7);
    for (const l of losses) {
      assert.ok(l.collab !== null && Number.isFinite(l.collab));
      // 128 pairs a step: chance is ln 128 for the loss, 1/128 for the accuracy.
      assert.deepEqual(l.collab_chance, { loss: Math.log(128), accuracy: 1 / 128 });
      assert.ok(l.collab_accuracy !== null && l.collab_accuracy >= 0 && l.collab_accuracy <= 1, `accuracy ${l.collab_accuracy}`);
      assert.ok(l.balance !== null && l.balance.length === 3 && l.balance.every(Number.isFinite));
      for (const v of [l.total, l.recon, ...l.codebook, ...l.commitment]) assert.ok(Number.isFinite(v));
      // A balance loss below its floor of 1 would mean the formula is off.
      for (const b of l.balance) assert.ok(b >= 0.999, `balance ${b}`);
    }

    const dead = events.filter((e) => e.type === 'dead_codes') as { step: number; level: number; codes: number[]; action: string }[];
    assert.ok(dead.length > 0, 'dead-code checks found dead codes');
    for (const d of dead) {
      assert.equal(d.action, 'reinit');
      assert.equal(d.step % 7, 0, 'checks happen at window ends');
      assert.ok(d.codes.length > 0 && d.codes.every((c) => c >= 0 && c < 64));
    }

    const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    assert.equal(summary.status, 'completed');
    assert.equal(summary.coherence?.length, 3);
    for (const c of summary.coherence ?? []) assert.ok(c.users >= 0 && c.users <= 1 && c.random >= 0 && c.random <= 1);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('collab.weight > 0 without interactions is refused before training (exit 2, file:line:col)', async () => {
  const dir = tempDir('nocollab');
  try {
    const data = path.join(path.dirname(EXAMPLE), 'data');
    const file = path.join(dir, 'x.rqvae.yaml');
    fs.writeFileSync(
      file,
      `name: x\ndata:\n  items: ${data}/Scientific.text\n  id_field: item_id\n  embeddings: ${data}/Scientific.emb512.f32\n  embedding_dim: 512\n  item_index: ${data}/Scientific.item2index\ncollab:\n  weight: 0.5\n`,
    );
    const result = await runCli(['train', file]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /x\.rqvae\.yaml:9:11: .*interactions/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('asking for the gpu backend without tfjs-node-gpu says how to install it', async () => {
  const result = await runCli(['train', EXAMPLE, '--backend', 'gpu', '--set', 'train.epochs=1', '--out', tempDir('gpu')]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /@tensorflow\/tfjs-node-gpu.*npm install @tensorflow\/tfjs-node-gpu/);
});
