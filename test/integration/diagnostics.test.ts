// One truth per number (issue 8, item 2): the last diagnostics event of a run is the
// summary's (scope `final`), and every event numbers its epoch the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, runCli, tempDir, runDirOf, readJsonl } from '../support/cli';
import { epochOfStep, type RunSummary } from '../../src/protocol';

// The bundled example (real Scientific data), small model: 1,585 items at batch 256 = 7 steps an epoch.
const EPOCHS = 4;
const SMALL = ['--set', `train.epochs=${EPOCHS}`, '--set', 'model.encoder=[64]', '--set', 'model.latent_dim=16', '--set', 'model.codebook_size=32', '--backend', 'wasm'];

test('the last diagnostics event equals summary.json; epochs numbered one way in every event', async () => {
  const out = tempDir('diagnostics');
  const result = await runCli(['train', EXAMPLE, ...SMALL, '--out', out]);
  assert.equal(result.code, 0, result.stderr);
  const runDir = runDirOf(result);
  const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  const events = readJsonl(path.join(runDir, 'metrics.jsonl'));

  const diagnostics = events.filter((e) => e.type === 'diagnostics');
  assert.equal(diagnostics.filter((e) => e.scope === 'epoch').length, EPOCHS, 'one per-epoch diagnostics event per epoch');
  const last = diagnostics.at(-1) as Record<string, unknown>;
  assert.equal(last.scope, 'final');
  assert.equal(last.step, summary.steps);
  assert.deepEqual(
    { usage: last.usage, perplexity: last.perplexity, gini: last.gini, dead_codes: last.dead_codes, collision_rate: last.collision_rate, unique_sid_ratio: last.unique_sid_ratio },
    { usage: summary.usage, perplexity: summary.perplexity, gini: summary.gini, dead_codes: summary.dead_codes, collision_rate: summary.collision_rate, unique_sid_ratio: summary.unique_sid_ratio },
  );
  assert.ok(diagnostics.slice(0, -1).every((e) => e.scope === 'epoch'), 'only the last is final');

  const started = events.find((e) => e.type === 'run_started') as Record<string, unknown>;
  const perEpoch = started.steps_per_epoch as number;
  assert.equal(perEpoch, 7);
  const withEpoch = events.filter((e) => 'epoch' in e);
  assert.ok(withEpoch.some((e) => e.type === 'checkpoint') && withEpoch.some((e) => e.type === 'progress'));
  for (const e of withEpoch) {
    assert.equal(e.epoch, epochOfStep(e.step as number, perEpoch), `${e.type} at step ${e.step} says epoch ${e.epoch}`);
    assert.ok((e.epoch as number) >= 0 && (e.epoch as number) < EPOCHS, `${e.type} epoch ${e.epoch} out of 0..${EPOCHS - 1}`);
  }
  fs.rmSync(out, { recursive: true, force: true });
});
