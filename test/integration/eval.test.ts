// Retrieval evaluation end to end on the bundled Scientific example (the given RecBole
// split), tiny: a 2-epoch tokenizer with an eval block, a 1-layer retriever for 1
// epoch, then `semid eval` again with another seed and `semid compare` of the two.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, readJsonl, runCli, runDirOf, startCli, tempDir } from '../support/cli';
import type { EvalReport, RunSummary } from '../../src/protocol';

const out = tempDir('eval');
after(() => fs.rmSync(out, { recursive: true, force: true }));

const TOKENIZER = ['--set', 'train.epochs=2', '--set', 'model.encoder=[64]', '--set', 'model.latent_dim=16', '--set', 'model.codebook_size=16', '--set', 'engine.backend=wasm'];
const TINY_EVAL = [
  'eval.retrieval.epochs=1', 'eval.retrieval.layers=1', 'eval.retrieval.d_model=16', 'eval.retrieval.heads=1', 'eval.retrieval.ff=32',
  'eval.retrieval.beams=10', 'eval.retrieval.valid_users=200', 'eval.baselines=[popularity]',
].flatMap((s) => ['--set', s]);

test('an experiment with an eval block evaluates after training; semid eval redoes it; semid compare pairs two evaluations', async () => {
  const trained = await runCli(['train', EXAMPLE, '--out', out, ...TOKENIZER, '--set', 'eval.enabled=true', ...TINY_EVAL]);
  assert.equal(trained.code, 0, trained.stderr);
  const runDir = runDirOf(trained);
  const report = JSON.parse(fs.readFileSync(path.join(runDir, 'eval.json'), 'utf8')) as EvalReport;
  assert.equal(report.split, 'given');
  assert.equal(report.users + report.skipped, 2929 - 1);
  assert.equal(report.invalid_rate, 0);
  for (const split of [report.valid, report.test, report.baselines.popularity?.test]) {
    assert.ok(split);
    for (const m of ['recall@5', 'ndcg@5', 'recall@10', 'ndcg@10'] as const) assert.ok(split[m] >= 0 && split[m] <= 1, `${m} = ${split[m]}`);
    assert.ok(split['recall@10'] >= split['recall@5'] && split['recall@5'] >= split['ndcg@5']);
  }
  const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(summary.status, 'completed');
  assert.equal(summary.eval?.['recall@10'], report.test['recall@10']);
  assert.equal(summary.eval?.['popularity_recall@10'], report.baselines.popularity?.test['recall@10']);
  const events = readJsonl(path.join(runDir, 'metrics.jsonl'));
  const types = events.map((e) => e.type);
  assert.ok(types.indexOf('eval_progress') > types.indexOf('run_finished'));
  assert.equal(types.filter((t) => t === 'eval_result').length, 1);

  assert.equal(report.retriever.architecture, 'decoder');

  // Evaluate again into a copy with another seed and the encoder-decoder retriever, then compare the two.
  const copy = path.join(out, 'copy');
  fs.cpSync(runDir, copy, { recursive: true });
  const again = await runCli(['eval', copy, ...TINY_EVAL, '--set', 'eval.retrieval.seed=1', '--set', 'eval.retrieval.architecture=encoder-decoder']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.trim(), path.join(copy, 'eval.json'));
  assert.match(again.stderr, /retriever +test/);
  assert.match(again.stderr, /retriever \(encoder-decoder\): best epoch/);
  const encoderDecoder = JSON.parse(fs.readFileSync(path.join(copy, 'eval.json'), 'utf8')) as EvalReport;
  assert.equal(encoderDecoder.retriever.architecture, 'encoder-decoder');
  assert.equal(encoderDecoder.invalid_rate, 0);
  const compared = await runCli(['compare', runDir, copy, '--json', '--samples', '200']);
  assert.equal(compared.code, 0, compared.stderr);
  const comparison = JSON.parse(compared.stdout) as { users: number; metrics: { metric: string; a: number; b: number; low: number; high: number; p: number }[] };
  assert.equal(comparison.users, report.users);
  assert.deepEqual(comparison.metrics.map((m) => m.metric), ['recall@5', 'ndcg@5', 'recall@10', 'ndcg@10']);
  for (const m of comparison.metrics) assert.ok(m.low <= m.b - m.a + 1e-12 && m.b - m.a <= m.high + 1e-12 && m.p > 0 && m.p <= 1);
  const popularity = await runCli(['compare', runDir, copy, '--model', 'popularity']);
  assert.equal(popularity.code, 0, popularity.stderr);
  assert.match(popularity.stdout, /recall@10 +\d\.\d{4} +\d\.\d{4} +\+0\.0000 +\[\+0\.0000, \+0\.0000\] +1\.000/, 'the same baseline on the same split: no difference');

  // Ctrl-C during training of the retriever: exit 130, the earlier eval.json untouched.
  const before = fs.readFileSync(path.join(copy, 'eval.json'), 'utf8');
  const { child, done } = startCli(['eval', copy, ...TINY_EVAL, '--set', 'eval.retrieval.epochs=500', '--set', 'eval.retrieval.patience=500']);
  let stderr = '';
  let sent = false;
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!sent && /eval retriever: \d+ parameters/.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const interrupted = await done;
  assert.equal(interrupted.code, 130, interrupted.stderr);
  assert.match(interrupted.stderr, /evaluation interrupted/);
  assert.equal(fs.readFileSync(path.join(copy, 'eval.json'), 'utf8'), before);
});

test('semid eval on a run without interactions exits 2 with a clear message', async () => {
  const trained = await runCli(['train', EXAMPLE, '--out', path.join(out, 'plain'), ...TOKENIZER, '--set', 'train.epochs=1', '--set', 'data.interactions=null']);
  assert.equal(trained.code, 0, trained.stderr);
  const result = await runCli(['eval', runDirOf(trained)]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /has no data\.interactions, so there are no users' next items to evaluate/);
  assert.equal(result.stdout, '');
  const bad = await runCli(['eval', runDirOf(trained), '--set', 'model.levels=2']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /semid eval changes only eval\.\* keys/);
});
