// semid eval --resume: an evaluation interrupted by Ctrl-C (exit 130) continues from its
// checkpoint and ends with exactly the results of an uninterrupted one (same ranks per
// user, same metrics), for the retriever and SASRec (dropout on, so the dropout and
// batch-order streams must be restored too); SASRec trains in line in the uninterrupted
// evaluation and on its second thread (eval.parallel) in the interrupted one. Tiny: the bundled Scientific example, a
// 2-epoch tokenizer, 1-layer models for 3 epochs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLE, runCli, runDirOf, startCli, tempDir } from '../support/cli';

const out = tempDir('eval-resume');
after(() => fs.rmSync(out, { recursive: true, force: true }));

const TOKENIZER = ['--set', 'train.epochs=2', '--set', 'model.encoder=[64]', '--set', 'model.latent_dim=16', '--set', 'model.codebook_size=16', '--set', 'engine.backend=wasm'];
const EVAL = [
  'eval.retrieval.epochs=3', 'eval.retrieval.patience=3', 'eval.retrieval.layers=1', 'eval.retrieval.d_model=16', 'eval.retrieval.heads=1',
  'eval.retrieval.ff=32', 'eval.retrieval.dropout=0.2', 'eval.retrieval.batch_size=64', 'eval.retrieval.beams=10', 'eval.retrieval.valid_users=200',
  'eval.baselines=[popularity, sasrec]',
].flatMap((s) => ['--set', s]);

/** eval.json without what differs between sittings (timings). */
function results(runDir: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'eval.json'), 'utf8'), (key, value: unknown) => (key === 'seconds' || key === 'finished_at' ? undefined : value));
}

test('semid eval --resume after Ctrl-C gives the results of an uninterrupted evaluation', async () => {
  const trained = await runCli(['train', EXAMPLE, '--out', out, ...TOKENIZER]);
  assert.equal(trained.code, 0, trained.stderr);
  const whole = path.join(out, 'whole');
  const parts = path.join(out, 'parts');
  fs.cpSync(runDirOf(trained), whole, { recursive: true });
  fs.cpSync(runDirOf(trained), parts, { recursive: true });

  // In line here, on a second thread (eval.parallel, the default) in the interrupted one: the same results.
  const uninterrupted = await runCli(['eval', whole, ...EVAL, '--set', 'eval.parallel=false']);
  assert.equal(uninterrupted.code, 0, uninterrupted.stderr);
  assert.ok(!fs.existsSync(path.join(whole, 'eval_checkpoint')), 'a finished evaluation leaves no checkpoint');

  // Ctrl-C once the retriever has finished its first epoch: the stop lands mid-training.
  const { child, done } = startCli(['eval', parts, ...EVAL]);
  let stderr = '';
  let sent = false;
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!sent && /eval retriever: epoch 1\/3/.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const interrupted = await done;
  assert.equal(interrupted.code, 130, interrupted.stderr);
  assert.match(interrupted.stderr, /continue with: semid eval .* --resume/);
  assert.ok(!fs.existsSync(path.join(parts, 'eval.json')), 'no eval.json from an interrupted evaluation');
  // The stop fell inside the retriever's training (epoch 2 or 3): the resume has a fit to continue, not just ranks to redo.
  type Saved = { state?: { epoch: number; finished: unknown } };
  const saved = JSON.parse(fs.readFileSync(path.join(parts, 'eval_checkpoint', 'state.json'), 'utf8')) as { models: { retriever?: Saved; sasrec?: Saved } };
  assert.ok(saved.models.retriever?.state && saved.models.retriever.state.finished === null && saved.models.retriever.state.epoch >= 2, JSON.stringify(saved.models));
  if (os.availableParallelism() >= 2) {
    // SASRec trained on its thread meanwhile and saved its fit on the stop.
    assert.match(interrupted.stderr, /eval sasrec: trains on a second thread/);
    assert.ok(saved.models.sasrec?.state, JSON.stringify(saved.models));
  }

  // Other settings are refused (exit 2, naming the key); the checkpoint stays.
  const mismatched = await runCli(['eval', parts, ...EVAL, '--set', 'eval.retrieval.seed=7', '--resume']);
  assert.equal(mismatched.code, 2, mismatched.stderr);
  assert.match(mismatched.stderr, /eval\.retrieval\.seed: 0 then, 7 now/);
  assert.ok(fs.existsSync(path.join(parts, 'eval_checkpoint', 'state.json')));

  const resumed = await runCli(['eval', parts, ...EVAL, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming the interrupted evaluation/);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(parts, 'eval_ranks.json'), 'utf8')), JSON.parse(fs.readFileSync(path.join(whole, 'eval_ranks.json'), 'utf8')));
  assert.deepEqual(results(parts), results(whole));
  assert.ok(!fs.existsSync(path.join(parts, 'eval_checkpoint')));

  const nothing = await runCli(['eval', parts, ...EVAL, '--resume']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /no interrupted evaluation to resume/);
});
