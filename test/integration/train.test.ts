import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, runCli, startCli, tempDir, runDirOf, readJsonl } from '../support/cli';
import type { RunSummary } from '../../src/protocol';

// The bundled example, shortened to a few hundred steps: 1,585 items, batch 256 -> 7 steps an epoch.
const SHORT = ['--set', 'train.epochs=30'];
const STEPS = 30 * 7;

function summaryOf(runDir: string): RunSummary {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
}

const out = tempDir('train');
let reference: { runDir: string; ids: string } | null = null;

async function referenceRun(): Promise<{ runDir: string; ids: string }> {
  if (reference) return reference;
  const result = await runCli(['train', EXAMPLE, ...SHORT, '--out', path.join(out, 'reference'), '--backend', 'wasm']);
  assert.equal(result.code, 0, result.stderr);
  const runDir = runDirOf(result);
  reference = { runDir, ids: fs.readFileSync(path.join(runDir, 'semantic_ids.jsonl'), 'utf8') };
  return reference;
}

test('the example trains: loss falls, IDs unique after the digit, summary and metrics complete', async () => {
  const { runDir } = await referenceRun();
  assert.ok(path.isAbsolute(runDir), `last stdout line is the absolute run directory, got ${runDir}`);
  assert.match(path.basename(runDir), /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  const s = summaryOf(runDir);
  for (const key of ['run_id', 'experiment', 'experiment_path', 'variant', 'seed', 'config_hash', 'started_at', 'finished_at', 'status', 'backend', 'items', 'levels', 'codebook_size', 'steps', 'seconds', 'recon_loss', 'usage', 'perplexity', 'gini', 'dead_codes', 'collision_rate', 'unique_sid_ratio']) {
    assert.ok(key in s, `summary.json lacks ${key}`);
  }
  assert.equal(s.status, 'completed');
  assert.equal(s.items, 1585);
  assert.equal(s.steps, STEPS);
  assert.equal(s.backend, 'wasm');
  assert.equal(s.unique_sid_ratio, 1);
  for (const list of [s.usage, s.perplexity, s.gini, s.dead_codes]) assert.equal(list.length, 3);

  const events = readJsonl(path.join(runDir, 'metrics.jsonl'));
  const types = new Set(events.map((e) => e.type));
  for (const t of ['run_started', 'progress', 'losses', 'usage_snapshot', 'diagnostics', 'checkpoint', 'run_finished']) assert.ok(types.has(t), `no ${t} event`);
  for (const e of events) {
    assert.equal(typeof e.time, 'string');
    assert.equal(typeof e.step, 'number');
  }
  const losses = events.filter((e) => e.type === 'losses').map((e) => e.recon as number);
  assert.equal(losses.length, STEPS);
  const first = losses.slice(0, 10).reduce((a, b) => a + b) / 10;
  const last = losses.slice(-10).reduce((a, b) => a + b) / 10;
  assert.ok(last < first * 0.8, `reconstruction loss should fall: first ${first}, last ${last}`);
  const snapshots = events.filter((e) => e.type === 'usage_snapshot');
  assert.equal(snapshots.length, 30, 'one usage snapshot per epoch');
  const counts = snapshots[0].counts as number[][];
  assert.deepEqual(counts.map((c) => c.reduce((a, b) => a + b)), [1585, 1585, 1585]);

  const ids = readJsonl(path.join(runDir, 'semantic_ids.jsonl'));
  assert.equal(ids.length, 1585);
  assert.equal(new Set(ids.map((r) => (r.sid as number[]).join('-'))).size, 1585);
  assert.ok(fs.existsSync(path.join(runDir, 'model', 'weights.bin')));
  assert.ok(fs.existsSync(path.join(runDir, 'config.yaml')));
});

test('same seed, same backend: byte-identical semantic_ids.jsonl (wasm)', async () => {
  const { ids } = await referenceRun();
  const again = await runCli(['train', EXAMPLE, ...SHORT, '--out', path.join(out, 'again'), '--backend', 'wasm']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(fs.readFileSync(path.join(runDirOf(again), 'semantic_ids.jsonl'), 'utf8'), ids);
});

test('same seed on the cpu backend: byte-identical semantic_ids.jsonl', async () => {
  // The pure-JS backend is ~40x slower: a small model for a few steps.
  const small = ['--set', 'train.epochs=3', '--set', 'model.encoder=[64]', '--set', 'model.latent_dim=16', '--backend', 'cpu'];
  const a = await runCli(['train', EXAMPLE, ...small, '--out', path.join(out, 'cpu-a')]);
  const b = await runCli(['train', EXAMPLE, ...small, '--out', path.join(out, 'cpu-b')]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(summaryOf(runDirOf(a)).backend, 'cpu');
  const idsA = fs.readFileSync(path.join(runDirOf(a), 'semantic_ids.jsonl'), 'utf8');
  assert.equal(fs.readFileSync(path.join(runDirOf(b), 'semantic_ids.jsonl'), 'utf8'), idsA);
});

test('Ctrl-C marks the run interrupted with a checkpoint; --resume ends with the same IDs', async () => {
  const { ids } = await referenceRun();
  const dir = path.join(out, 'interrupted');
  const { child, done } = startCli(['train', EXAMPLE, ...SHORT, '--out', dir, '--backend', 'wasm']);
  // Interrupt mid-epoch, once ~60 steps are in metrics.jsonl.
  const deadline = Date.now() + 120_000;
  let runDir: string | null = null;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const expDir = path.join(dir, 'scientific');
    if (!runDir && fs.existsSync(expDir)) runDir = fs.readdirSync(expDir).map((d) => path.join(expDir, d))[0] ?? null;
    if (!runDir) continue;
    const metrics = path.join(runDir, 'metrics.jsonl');
    if (fs.existsSync(metrics) && fs.readFileSync(metrics, 'utf8').split('"type":"losses"').length > 61) break;
  }
  assert.ok(runDir, 'run directory appeared');
  child.kill('SIGINT');
  const stopped = await done;
  assert.equal(stopped.code, 130, stopped.stderr);
  const s = summaryOf(runDir);
  assert.equal(s.status, 'interrupted');
  assert.ok(s.steps > 0 && s.steps < STEPS, `stopped mid-run at ${s.steps}`);
  assert.ok(fs.existsSync(path.join(runDir, 'checkpoint', 'state.json')));
  const finished = readJsonl(path.join(runDir, 'metrics.jsonl')).filter((e) => e.type === 'run_finished');
  assert.equal(finished.at(-1)?.status, 'interrupted');

  // The same file, --set and --out as the run: anything else is refused (lifecycle.test.ts).
  const resumed = await runCli(['train', EXAMPLE, ...SHORT, '--out', dir, '--backend', 'wasm', '--resume', runDir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(runDirOf(resumed), runDir);
  assert.equal(summaryOf(runDir).status, 'completed');
  assert.equal(summaryOf(runDir).steps, STEPS);
  assert.equal(fs.readFileSync(path.join(runDir, 'semantic_ids.jsonl'), 'utf8'), ids);
});

test('semid ids reproduces the run IDs; semid inspect lists items under a prefix', async () => {
  const { runDir, ids } = await referenceRun();
  const assigned = await runCli(['ids', runDir]);
  assert.equal(assigned.code, 0, assigned.stderr);
  assert.equal(assigned.stdout, ids);
  const firstSid = (JSON.parse(ids.split('\n')[0]) as { sid: number[] }).sid;
  const inspected = await runCli(['inspect', runDir, '--prefix', `${firstSid[0]}-${firstSid[1]}`, '--json']);
  assert.equal(inspected.code, 0, inspected.stderr);
  const report = JSON.parse(inspected.stdout) as { count: number; items: { title: string | null }[] };
  assert.ok(report.count >= 1);
  assert.ok(report.items.every((it) => typeof it.title === 'string' && it.title.length > 0), 'titles come from the catalog');
});

test('bad experiment: exit 2 with file:line:col', async () => {
  const dir = tempDir('bad');
  const file = path.join(dir, 'bad.rqvae.yaml');
  fs.writeFileSync(file, 'name: bad\nmodel:\n  levels: 3\n  codebok_size: 64\n');
  const result = await runCli(['train', file]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:3: .*codebok_size`));
  fs.rmSync(dir, { recursive: true, force: true });
});
