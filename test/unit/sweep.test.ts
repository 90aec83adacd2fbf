import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  expandSweep,
  shortLabels,
  SweepDefinitionError,
  numericFields,
  aggregateFields,
  stat,
  comparisonEntry,
  comparisonMarkdown,
  num,
  decideRun,
  listRuns,
  planSweep,
  type Stat,
} from '../../src/engine/sweep';
import { loadExperiment, ExperimentError } from '../../src/engine/config';

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'scientific', 'scientific.rqvae.yaml');

describe('variant expansion', () => {
  test('variants keep their order and overrides; {} is the file as is', () => {
    const out = expandSweep({ baseline: {}, collab: { 'collab.weight': 0.5 } }, {});
    assert.deepEqual(out, [
      { name: 'baseline', overrides: {} },
      { name: 'collab', overrides: { 'collab.weight': 0.5 } },
    ]);
  });

  test('neither variants nor grid: the file itself as `base`', () => {
    assert.deepEqual(expandSweep({}, {}), [{ name: 'base', overrides: {} }]);
  });

  test('a grid is the product of its lists, last key fastest, readable names', () => {
    const out = expandSweep({}, { 'train.lr': [0.001, 0.0003], 'model.levels': [3, 4], 'model.encoder': [[64]] });
    assert.deepEqual(
      out.map((v) => v.name),
      ['lr=0.001,levels=3,encoder=[64]', 'lr=0.001,levels=4,encoder=[64]', 'lr=0.0003,levels=3,encoder=[64]', 'lr=0.0003,levels=4,encoder=[64]'],
    );
    assert.deepEqual(out[3].overrides, { 'train.lr': 0.0003, 'model.levels': 4, 'model.encoder': [64] });
  });

  test('labels keep as much of the key as needed to tell keys apart', () => {
    assert.deepEqual(shortLabels(['collab.weight', 'balance.weight', 'train.lr']), ['collab.weight', 'balance.weight', 'lr']);
    assert.deepEqual(shortLabels(['collab.pairs.threshold', 'collab.temperature']), ['threshold', 'temperature']);
  });

  test('variants and grid together are refused', () => {
    assert.throws(() => expandSweep({ a: {} }, { 'train.lr': [0.1] }), SweepDefinitionError);
  });
});

describe('aggregation across seeds', () => {
  const summary = (seed: number, recon: number, usage: number[], users: number[]) => ({
    run_id: `r${seed}`,
    variant: 'v',
    seed,
    status: 'completed',
    items: 100,
    recon_loss: recon,
    collision_rate: null,
    usage,
    coherence: users.map((u, i) => ({ depth: i + 1, users: u, random: 0.01 })),
    eval: { 'recall@10': recon / 10 },
  });

  test('numeric fields: scalars, per-level lists, records flattened; seed and strings left out', () => {
    const f = numericFields(summary(3, 0.5, [1, 0.5], [0.2, 0.1]));
    assert.deepEqual([...f.keys()].sort(), ['coherence.random', 'coherence.users', 'eval.recall@10', 'items', 'recon_loss', 'usage']);
    assert.deepEqual(f.get('coherence.users'), [0.2, 0.1]);
    assert.equal(f.get('recon_loss'), 0.5);
  });

  test('mean and sample std (n - 1), per level for lists; std null for one run', () => {
    const runs = [summary(0, 1, [1, 0.2], [0.3, 0.1]), summary(1, 3, [0.5, 0.4], [0.1, 0.1])].map(numericFields);
    const agg = aggregateFields(runs);
    assert.deepEqual(agg.recon_loss, { mean: 2, std: Math.SQRT2, n: 2 });
    const usage = agg.usage as Stat[];
    assert.equal(usage.length, 2);
    assert.equal(usage[0].mean, 0.75);
    assert.ok(Math.abs((usage[1].std as number) - Math.sqrt(0.02)) < 1e-12);
    assert.deepEqual((agg['coherence.random'] as Stat[])[1], { mean: 0.01, std: 0, n: 2 });
    assert.deepEqual(stat([4]), { mean: 4, std: null, n: 1 });
  });

  test('comparison entry: runs in seed order, missing seeds named; markdown shows per-level cells compactly', () => {
    const e = comparisonEntry(
      'collab',
      { 'collab.weight': 0.5 },
      [0, 1, 2],
      [
        { dir: '/runs/b', seed: 1, summary: summary(1, 3, [0.5, 0.4], [0.1, 0.1]) },
        { dir: '/runs/a', seed: 0, summary: summary(0, 1, [1, 0.2], [0.3, 0.1]) },
      ],
      [],
    );
    assert.deepEqual(e.runs, ['/runs/a', '/runs/b']);
    assert.deepEqual(e.missing_seeds, [2]);
    const md = comparisonMarkdown([e], { experiment: 'x', experimentPath: '/x.yaml', seeds: 3 });
    const row = md.split('\n').find((l) => l.startsWith('| collab'));
    assert.ok(row, md);
    assert.match(row, /\| 2\/3 \|/);
    assert.match(row, /\| 0\.75 \/ 0\.3 \(± 0\.35 \/ 0\.14\) \|/);
    assert.match(row, /\| 2 ± 1\.4 \|/);
    assert.doesNotMatch(md.split('\n').find((l) => l.startsWith('| variant')) ?? '', /items/);
    assert.match(md, /`collab\.weight=0\.5`/);
  });

  test('number formatting', () => {
    assert.equal(num(0.123456), '0.1235');
    assert.equal(num(3000), '3000');
    assert.equal(num(0.00001234), '0.00001234');
  });
});

describe('resuming a sweep', () => {
  test('completed runs are skipped, interrupted ones with a checkpoint resumed, others retrained', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-sweep-unit-'));
    try {
      const make = (name: string, s: Record<string, unknown>, checkpoint = false): void => {
        const dir = path.join(root, name);
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(s));
        if (checkpoint) {
          fs.mkdirSync(path.join(dir, 'checkpoint'));
          fs.writeFileSync(path.join(dir, 'checkpoint', 'state.json'), '{}');
        }
      };
      make('20250101-000000-aaaa', { variant: 'a', seed: 0, config_hash: 'h0', status: 'completed' });
      make('20250101-000001-bbbb', { variant: 'a', seed: 1, config_hash: 'h1', status: 'interrupted' }, true);
      make('20250101-000002-cccc', { variant: 'a', seed: 2, config_hash: 'h2', status: 'interrupted' });
      make('20250101-000003-dddd', { variant: 'a', seed: 3, config_hash: 'h3', status: 'failed' }, true);
      fs.writeFileSync(path.join(root, 'comparison.json'), '[]');
      const runs = listRuns(root);
      assert.equal(runs.length, 4);
      assert.equal(decideRun(runs, 'a', 0, 'h0').action, 'skip');
      assert.equal(decideRun(runs, 'a', 0, 'other-hash').action, 'train', 'another configuration is another run');
      assert.equal(decideRun(runs, 'b', 0, 'h0').action, 'train', 'another variant is another run');
      const resume = decideRun(runs, 'a', 1, 'h1');
      assert.equal(resume.action, 'resume');
      assert.equal(resume.action === 'resume' && path.basename(resume.run.dir), '20250101-000001-bbbb');
      assert.equal(decideRun(runs, 'a', 2, 'h2').action, 'train', 'nothing to resume from without a checkpoint');
      assert.equal(decideRun(runs, 'a', 3, 'h3').action, 'train', 'failed runs are not resumed');
      assert.deepEqual(listRuns(path.join(root, 'missing')), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('planning a sweep', () => {
  test('seeds offset per variant, seed-major order, --set wins over a variant, hashes distinct', async () => {
    const base = await loadExperiment(EXAMPLE, ['train.epochs=3']);
    const withVariants = { ...base, variants: { small: { 'model.latent_dim': 8, 'train.epochs': 7 }, plain: {} } };
    const plan = planSweep({ experimentPath: EXAMPLE, base: withVariants, seeds: 2, sets: { 'train.epochs': 3 } });
    assert.deepEqual(
      plan.runs.map((r) => `${r.variant.name}:${r.seed}`),
      ['small:0', 'plain:0', 'small:1', 'plain:1'],
    );
    assert.equal(plan.runs[0].config.model.latent_dim, 8);
    assert.equal(plan.runs[1].config.model.latent_dim, base.model.latent_dim);
    assert.ok(plan.runs.every((r) => r.config.train.epochs === 3));
    // Each seed is independent end to end: the evaluation's seed moves with the tokenizer's.
    assert.deepEqual(
      plan.runs.map((r) => r.config.eval.retrieval.seed - base.eval.retrieval.seed),
      [0, 0, 1, 1],
    );
    assert.deepEqual(plan.runs[0].config.variants, {});
    assert.equal(new Set(plan.runs.map((r) => r.configHash)).size, 4);
    assert.equal(plan.folder, path.resolve(base.output.dir, base.name));
  });

  test('a variant with an invalid value is an experiment error before anything trains', async () => {
    const base = await loadExperiment(EXAMPLE);
    const bad = { ...base, variants: { broken: { 'model.levels': 0 } } };
    assert.throws(() => planSweep({ experimentPath: EXAMPLE, base: bad, seeds: 1, sets: {} }), (e: unknown) => {
      assert.ok(e instanceof ExperimentError);
      assert.match(e.message, /broken/);
      return true;
    });
  });
});
