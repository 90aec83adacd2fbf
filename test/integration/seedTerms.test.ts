/**
 * The seed's terms do what the method relies on (issue 13), on small synthetic catalogs
 * trained through the real trainer:
 * - collaborative term: co-occurring items have unrelated content, yet the InfoNCE falls
 *   well below chance and co-occurring items end up sharing their first code far more
 *   often than random pairs (without the term they do not);
 * - balance term at its default temperature: on a catalog whose first level collapses
 *   without it, it raises level-0 usage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineEvent, LossesEvent } from '../../src/protocol';
import { configHash, defaultConfig, type ExperimentConfig } from '../../src/engine/config';
import { initBackend } from '../../src/engine/tf/backend';
import { trainRqVae } from '../../src/engine/train/trainer';
import { readSemanticIds } from '../../src/engine/ids/semanticIdsFile';
import type { EmbeddingMatrix, UserSequences } from '../../src/engine/data/types';
import { Random } from '../../src/engine/util/random';

type Overrides = { [K in keyof ExperimentConfig]?: Partial<ExperimentConfig[K]> };

function experiment(overrides: Overrides): ExperimentConfig {
  const base = { ...defaultConfig(), name: 'synthetic' } as ExperimentConfig;
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) out[key] = { ...((base as unknown as Record<string, object>)[key] as object), ...(value as object) };
  return out as unknown as ExperimentConfig;
}

async function trainRun(config: ExperimentConfig, features: EmbeddingMatrix, interactions: UserSequences | null): Promise<{ losses: LossesEvent[]; codes: Int32Array; usage: number[] }> {
  const runtime = await initBackend('wasm', null);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-terms-'));
  try {
    const losses: LossesEvent[] = [];
    const result = await trainRqVae(
      {
        config,
        configHash: configHash(config),
        runDir,
        features,
        itemIds: Array.from({ length: features.rows }, (_, i) => `item${i}`),
        interactions,
        runtime,
        resume: false,
        startEvent: { run_id: 'synthetic', run_dir: runDir, experiment: 'synthetic', experiment_path: '', variant: null, seed: config.train.seed, backend: runtime.backend, backend_reason: runtime.reason, levels: config.model.levels, codebook_size: config.model.codebook_size },
      },
      { emit: (e: EngineEvent) => void (e.type === 'losses' && losses.push(e)), log: () => undefined, stopRequested: () => false },
    );
    const { codes } = await readSemanticIds(path.join(runDir, 'semantic_ids.jsonl'));
    return { losses, codes, usage: result.final?.usage ?? [] };
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

test('collaborative term: items that co-occur but share no content end up under one first code', async () => {
  const random = new Random(42);
  const groups = 8;
  const perGroup = 16;
  const items = groups * perGroup;
  const dim = 16;
  // Content: independent random directions, nothing shared within a group.
  const data = new Float32Array(items * dim);
  for (let i = 0; i < items; i++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += (data[i * dim + k] = random.normal()) ** 2;
    for (let k = 0; k < dim; k++) data[i * dim + k] /= Math.sqrt(norm);
  }
  const groupOf = (item: number): number => Math.floor(item / perGroup);
  // Behaviour: each user browses inside one group.
  const users = 400;
  const train: Int32Array[] = [];
  for (let u = 0; u < users; u++) {
    const g = random.int(groups);
    train.push(Int32Array.from({ length: 6 }, () => g * perGroup + random.int(perGroup)));
  }
  const interactions: UserSequences = { users: train.map((_, u) => `u${u}`), train, valid: new Int32Array(users).fill(-1), test: new Int32Array(users).fill(-1) };
  const features = { rows: items, dim, data };
  const settings = (weight: number): Overrides => ({
    model: { encoder: [32], latent_dim: 8, levels: 2, codebook_size: [groups, 8], beta: 0.25 },
    train: { epochs: 150, batch_size: 64, lr: 0.003, seed: 1 },
    collab: { weight, pairs_per_step: 64 },
  });
  const withTerm = await trainRun(experiment(settings(1)), features, interactions);
  const without = await trainRun(experiment(settings(0)), features, interactions);

  const chance = Math.log(64);
  const first = mean(withTerm.losses.slice(0, 10).map((l) => l.collab as number));
  const last = mean(withTerm.losses.slice(-20).map((l) => l.collab as number));
  const accuracy = mean(withTerm.losses.slice(-20).map((l) => l.collab_accuracy as number));
  assert.ok(Math.abs(first - chance) < 0.5, `starts near chance: ${first} vs ln 64 = ${chance}`);
  assert.ok(last < 0.6 * chance, `falls well below chance: ${last} vs ${chance}`);
  assert.ok(accuracy > 10 / 64, `in-batch accuracy ${accuracy} vs chance ${1 / 64}`);

  // Share of same-group pairs (the co-occurring ones) and of random pairs with one first code.
  const sharing = (codes: Int32Array, sameGroup: boolean): number => {
    let same = 0;
    let total = 0;
    for (let i = 0; i < items; i++) {
      for (let j = i + 1; j < items; j++) {
        if ((groupOf(i) === groupOf(j)) !== sameGroup) continue;
        total++;
        if (codes[i * 2] === codes[j * 2]) same++;
      }
    }
    return same / total;
  };
  const together = sharing(withTerm.codes, true);
  const apart = sharing(withTerm.codes, false);
  const plainTogether = sharing(without.codes, true);
  assert.ok(together > 0.5, `co-occurring items share their first code ${together}`);
  assert.ok(together > 4 * apart, `co-occurring ${together} vs others ${apart}`);
  assert.ok(together > 3 * plainTogether, `with the term ${together} vs without ${plainTogether}`);
});

test('balance term at its default temperature raises level-0 usage where the first level collapses', async () => {
  const random = new Random(7);
  const items = 512;
  const dim = 16;
  // One tight cloud far from the origin: codes drawn near the origin (no k-means) leave
  // one code nearest to everything.
  const data = new Float32Array(items * dim);
  for (let i = 0; i < items; i++) for (let k = 0; k < dim; k++) data[i * dim + k] = (k < 2 ? 3 : 0) + 0.3 * random.normal();
  const features = { rows: items, dim, data };
  const settings = (weight: number): Overrides => ({
    model: { encoder: [32], latent_dim: 8, levels: 2, codebook_size: [32, 32], beta: 0.25 },
    train: { epochs: 40, batch_size: 128, lr: 0.001, seed: 3, kmeans_init: false },
    balance: { weight },
  });
  const plain = await trainRun(experiment(settings(0)), features, null);
  const balanced = await trainRun(experiment(settings(1)), features, null);
  assert.ok(plain.usage[0] <= 0.25, `the plain run collapses: level-0 usage ${plain.usage[0]}`);
  assert.ok(balanced.usage[0] >= 2 * plain.usage[0], `balance raises level-0 usage: ${balanced.usage[0]} vs ${plain.usage[0]}`);
});
