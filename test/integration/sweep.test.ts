// `semid sweep` end to end on the bundled example, tiny: 2 variants x 2 seeds, 2 epochs
// of 7 steps each (~15 s in all on 2 cores), then the same command again (nothing retrained).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { EXAMPLE, runCli, startCli, tempDir } from '../support/cli';
import type { RunSummary } from '../../src/protocol';
import type { ComparisonEntry, Stat } from '../../src/engine/sweep';

const out = tempDir('sweep');
after(() => fs.rmSync(out, { recursive: true, force: true }));

/** The example with absolute data paths, its output in the temp folder, and two variants. */
function experimentFile(runs = 'runs', variants: Record<string, unknown> = { plain: {}, fused: { 'collab.weight': 0.5, 'features.fuse': ['cooccurrence'] } }): string {
  const doc = parse(fs.readFileSync(EXAMPLE, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const key of ['items', 'embeddings', 'item_index', 'interactions']) {
    doc.data[key] = path.resolve(path.dirname(EXAMPLE), doc.data[key] as string);
  }
  doc.output = { dir: path.join(out, runs) };
  doc.variants = variants;
  const file = path.join(out, `${runs}.rqvae.yaml`);
  fs.writeFileSync(file, stringify(doc));
  return file;
}

const SMALL = ['--set', 'train.epochs=2', '--set', 'model.encoder=[64]', '--set', 'model.latent_dim=16', '--set', 'model.codebook_size=16'];

test('a sweep trains every variant x seed, compares them, and a second call retrains nothing', async () => {
  const file = experimentFile();
  const args = ['sweep', file, '--seeds', '2', ...SMALL, '--set', 'engine.backend=wasm'];
  const first = await runCli(args);
  assert.equal(first.code, 0, first.stderr);
  const comparisonPath = first.stdout.trim().split('\n').pop() as string;
  assert.equal(comparisonPath, path.join(out, 'runs', 'scientific', 'comparison.json'));
  assert.ok(fs.existsSync(path.join(path.dirname(comparisonPath), 'comparison.md')));

  const comparison = JSON.parse(fs.readFileSync(comparisonPath, 'utf8')) as ComparisonEntry[];
  assert.deepEqual(comparison.map((e) => e.variant), ['plain', 'fused']);
  assert.deepEqual(comparison[1].overrides, { 'collab.weight': 0.5, 'features.fuse': ['cooccurrence'] });
  for (const entry of comparison) {
    assert.deepEqual(entry.seeds, [0, 1]);
    assert.deepEqual(entry.missing_seeds, []);
    assert.equal(entry.runs.length, 2);
    const seeds = entry.runs.map((dir) => {
      const s = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as RunSummary;
      assert.equal(s.status, 'completed');
      assert.equal(s.variant, entry.variant);
      assert.equal(s.steps, 14);
      assert.deepEqual(s.codebook_size, [16, 16, 16]);
      return s.seed;
    });
    assert.deepEqual(seeds, [0, 1]);
    const recon = entry.metrics.recon_loss as Stat;
    assert.ok(Number.isFinite(recon.mean) && typeof recon.std === 'number' && recon.n === 2, JSON.stringify(recon));
    const usage = entry.metrics.usage as Stat[];
    assert.equal(usage.length, 3);
    assert.ok(usage.every((u) => u.mean > 0 && u.mean <= 1));
  }
  // The fused variant mined pairs and fed the co-occurrence input.
  const fusedLog = fs.readFileSync(path.join(comparison[1].runs[0], 'engine.log'), 'utf8');
  assert.match(fusedLog, /fused input: co-occurrence/);
  assert.ok(fs.existsSync(path.join(comparison[1].runs[0], 'pairs.json')));
  const md = fs.readFileSync(path.join(path.dirname(comparisonPath), 'comparison.md'), 'utf8');
  assert.match(md, /^\| plain \| 2\/2 \|/m);
  assert.match(md, /^\| fused \| 2\/2 \|/m);

  const runDirs = (): string[] => fs.readdirSync(path.join(out, 'runs', 'scientific')).filter((n) => /^\d{8}-/.test(n)).sort();
  const before = runDirs();
  assert.equal(before.length, 4);
  const second = await runCli(args);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /0 trained, 0 resumed, 4 already done/);
  assert.deepEqual(runDirs(), before, 'no new run directory');
  const again = JSON.parse(fs.readFileSync(comparisonPath, 'utf8')) as ComparisonEntry[];
  assert.deepEqual(again.map((e) => e.runs), comparison.map((e) => e.runs));
});

test('Ctrl-C stops the sweep with a checkpoint (exit 130); the same command resumes that run', async () => {
  const file = experimentFile('interrupted', { plain: {} });
  const args = ['sweep', file, ...SMALL, '--set', 'train.epochs=100', '--set', 'engine.backend=wasm'];
  const { child, done } = startCli(args);
  let stderr = '';
  await new Promise<void>((resolve) => {
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Interrupt once the first run is past its first steps.
      if (/step \d+\/700/.test(stderr)) resolve();
    });
  });
  child.kill('SIGINT');
  const stopped = await done;
  assert.equal(stopped.code, 130, stopped.stderr);
  const folder = path.join(out, 'interrupted', 'scientific');
  const dirs = fs.readdirSync(folder).filter((n) => /^\d{8}-/.test(n));
  assert.equal(dirs.length, 1);
  const summary = JSON.parse(fs.readFileSync(path.join(folder, dirs[0], 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(summary.status, 'interrupted');
  const partial = JSON.parse(fs.readFileSync(path.join(folder, 'comparison.json'), 'utf8')) as ComparisonEntry[];
  assert.deepEqual(partial[0].missing_seeds, [0]);

  const resumed = await runCli(args);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /0 trained, 1 resumed, 0 already done/);
  const after = JSON.parse(fs.readFileSync(path.join(folder, 'comparison.json'), 'utf8')) as ComparisonEntry[];
  assert.equal(after[0].runs[0], path.join(folder, dirs[0]), 'the interrupted run was continued, not redone');
  const final = JSON.parse(fs.readFileSync(path.join(folder, dirs[0], 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(final.status, 'completed');
  assert.equal(final.steps, 700);
});
