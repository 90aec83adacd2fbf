/**
 * The seed's terms do what the method relies on (issue 13), on small synthetic catalogs
 * trained through the real trainer:
 * - collaborative term: co-occurring items have unrelated content, yet the InfoNCE falls
 *   well below chance and co-occurring items end up sharing their first code far more
 *   often than random pairs (without the term they do not);
 * - the same term centred and gradient-weighted (`collab.weighting: gradient`) on items
 *   whose content shares an offset: it learns while reconstruction stays within 5% of
 *   the plain run, where a fixed weight costs reconstruction;
 * - the item alignment (`collab.objective: items`, LETTER-style): each item pulled to its
 *   fixed co-occurrence vector; the pair InfoNCE, only measured, falls well below chance;
 * - balance term at its default settings (relative temperature, gradient weighting): on
 *   a catalog whose first level collapses without it, it raises level-0 usage: a
 *   synthetic one, and Scientific's real embeddings without dead-code re-initialisation,
 *   there with reconstruction within 5% of the plain run;
 * - `balance.fade`: it still lifts a collapsed level, and on a catalog whose codes are
 *   used evenly the term all but drops out of the loss.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineEvent, LossesEvent } from '../../src/protocol';
import { configHash, defaultConfig, loadExperiment, type ExperimentConfig } from '../../src/engine/config';
import { loadDataset } from '../../src/engine/data/dataset';
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

async function trainRun(config: ExperimentConfig, features: EmbeddingMatrix, interactions: UserSequences | null): Promise<{ losses: LossesEvent[]; codes: Int32Array; usage: number[]; recon: number }> {
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
    return { losses, codes, usage: result.final?.usage ?? [], recon: result.final?.recon_loss ?? Number.NaN };
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

test('collaborative term: items that co-occur but share no content end up under one first code', async () => {
  const random = new Random(42);
  const couples = 64;
  const items = 2 * couples;
  const dim = 16;
  // Content: independent random directions; item 2c and 2c+1 (couple c) share nothing.
  const data = new Float32Array(items * dim);
  for (let i = 0; i < items; i++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += (data[i * dim + k] = random.normal()) ** 2;
    for (let k = 0; k < dim; k++) data[i * dim + k] /= Math.sqrt(norm);
  }
  // Behaviour: each user takes both items of one couple.
  const users = 640;
  const train: Int32Array[] = [];
  for (let u = 0; u < users; u++) {
    const c = u % couples;
    train.push(random.next() < 0.5 ? Int32Array.of(2 * c, 2 * c + 1) : Int32Array.of(2 * c + 1, 2 * c));
  }
  const interactions: UserSequences = { users: train.map((_, u) => `u${u}`), train, valid: new Int32Array(users).fill(-1), test: new Int32Array(users).fill(-1) };
  const features = { rows: items, dim, data };
  const K = 8;
  const settings = (weight: number): Overrides => ({
    model: { encoder: [64], latent_dim: 8, levels: 2, codebook_size: [K, 16], beta: 0.25 },
    train: { epochs: 150, batch_size: 64, lr: 0.003, seed: 1 },
    collab: { weight, pairs_per_step: 32 },
  });
  const withTerm = await trainRun(experiment(settings(1)), features, interactions);
  const without = await trainRun(experiment(settings(0)), features, interactions);

  const chance = Math.log(32);
  const last = mean(withTerm.losses.slice(-20).map((l) => l.collab as number));
  const accuracy = mean(withTerm.losses.slice(-20).map((l) => l.collab_accuracy as number));
  assert.ok(last < 0.6 * chance, `falls well below chance: ${last} vs ln 32 = ${chance}`);
  assert.ok(accuracy > 10 / 32, `in-batch accuracy ${accuracy} vs chance ${1 / 32}`);

  // Share of couples, and of all other item pairs, under one first code.
  const sharing = (codes: Int32Array): { together: number; apart: number } => {
    let together = 0;
    let same = 0;
    let total = 0;
    for (let c = 0; c < couples; c++) if (codes[4 * c] === codes[4 * c + 2]) together++;
    for (let i = 0; i < items; i++) {
      for (let j = i + 1; j < items; j++) {
        if (j === i + 1 && i % 2 === 0) continue;
        total++;
        if (codes[2 * i] === codes[2 * j]) same++;
      }
    }
    return { together: together / couples, apart: same / total };
  };
  const on = sharing(withTerm.codes);
  const off = sharing(without.codes);
  console.log(`collab: loss ${withTerm.losses[0].collab} -> ${last}, accuracy ${accuracy}; first code shared: couples ${on.together} vs others ${on.apart}; without the term ${off.together}`);
  assert.ok(on.together > 0.5, `couples share their first code ${on.together}`);
  assert.ok(on.together > 3 * on.apart, `couples ${on.together} vs other pairs ${on.apart}`);
  assert.ok(on.together > 2 * off.together, `with the term ${on.together} vs without ${off.together}`);
});

/**
 * `items` unit-length random rows, each on top of one shared offset of length `shift`
 * (the encoder's latents then start nearly parallel, as Beauty's do).
 */
function offsetRows(random: Random, items: number, dim: number, shift: number): Float32Array {
  const offset = Array.from({ length: dim }, () => random.normal());
  const offsetNorm = Math.sqrt(offset.reduce((s, v) => s + v * v, 0));
  const data = new Float32Array(items * dim);
  for (let i = 0; i < items; i++) {
    const own = Array.from({ length: dim }, () => random.normal());
    const norm = Math.sqrt(own.reduce((s, v) => s + v * v, 0));
    for (let k = 0; k < dim; k++) data[i * dim + k] = own[k] / norm + (shift * offset[k]) / offsetNorm;
  }
  return data;
}

/**
 * Couples of items with unrelated content, every row on top of one shared offset (the
 * encoder's latents then start nearly parallel, as Beauty's do: cosine 0.999 between
 * random items). `shift` = the offset's length against the unit-length item parts.
 */
function offsetCouples(seed: number, couples: number, dim: number, shift: number): { features: EmbeddingMatrix; interactions: UserSequences } {
  const random = Random.derive(seed, 'model-init/synthetic-couples');
  const items = 2 * couples;
  const data = offsetRows(random, items, dim, shift);
  const users = 10 * couples;
  const train: Int32Array[] = [];
  for (let u = 0; u < users; u++) {
    const c = u % couples;
    train.push(random.next() < 0.5 ? Int32Array.of(2 * c, 2 * c + 1) : Int32Array.of(2 * c + 1, 2 * c));
  }
  return { features: { rows: items, dim, data }, interactions: { users: train.map((_, u) => `u${u}`), train, valid: new Int32Array(users).fill(-1), test: new Int32Array(users).fill(-1) } };
}

/** Share of couples (items 2c, 2c+1) under one first code, and of all other item pairs. */
function firstCodeSharing(codes: Int32Array, couples: number, levels: number): { together: number; apart: number } {
  const items = 2 * couples;
  let together = 0;
  let same = 0;
  let total = 0;
  for (let c = 0; c < couples; c++) if (codes[2 * c * levels] === codes[(2 * c + 1) * levels]) together++;
  for (let i = 0; i < items; i++) {
    for (let j = i + 1; j < items; j++) {
      if (j === i + 1 && i % 2 === 0) continue;
      total++;
      if (codes[i * levels] === codes[j * levels]) same++;
    }
  }
  return { together: together / couples, apart: same / total };
}

test('collaborative term, gradient-weighted: it learns with its pull bounded, where a fixed weight wipes out reconstruction', async () => {
  const couples = 64;
  const { features, interactions } = offsetCouples(5, couples, 16, 3);
  const settings = (collab: Overrides['collab']): Overrides => ({
    model: { encoder: [64], latent_dim: 8, levels: 2, codebook_size: [8, 16], beta: 0.25 },
    train: { epochs: 150, batch_size: 64, lr: 0.003, seed: 1 },
    collab: { pairs_per_step: 32, similarity: 'centred', target: 'latent', ...collab },
  });
  const plain = await trainRun(experiment(settings({ weight: 0 })), features, interactions);
  const fixed = await trainRun(experiment(settings({ weight: 1, weighting: 'fixed' })), features, interactions);
  const balanced = await trainRun(experiment(settings({ weight: 2, weighting: 'gradient' })), features, interactions);
  const chance = Math.log(32);
  const tail = (run: { losses: LossesEvent[] }, key: 'collab' | 'collab_accuracy' | 'recon'): number => mean(run.losses.slice(-20).map((l) => l[key] as number));
  const on = firstCodeSharing(balanced.codes, couples, 2);
  const off = firstCodeSharing(plain.codes, couples, 2);
  const hard = firstCodeSharing(fixed.codes, couples, 2);
  console.log(
    `gradient-weighted: loss ${tail(balanced, 'collab').toFixed(3)} acc ${tail(balanced, 'collab_accuracy').toFixed(3)} recon ${tail(balanced, 'recon').toFixed(4)} usage ${balanced.usage[0]} couples ${on.together} others ${on.apart.toFixed(3)} | ` +
      `fixed: loss ${tail(fixed, 'collab').toFixed(3)} acc ${tail(fixed, 'collab_accuracy').toFixed(3)} recon ${tail(fixed, 'recon').toFixed(4)} usage ${fixed.usage[0]} couples ${hard.together} | ` +
      `plain: recon ${tail(plain, 'recon').toFixed(4)} usage ${plain.usage[0]} couples ${off.together} others ${off.apart.toFixed(3)}`,
  );
  assert.ok(tail(balanced, 'collab') < 0.75 * chance, `falls well below chance: ${tail(balanced, 'collab')} vs ln 32 = ${chance}`);
  assert.ok(tail(balanced, 'collab_accuracy') > 5 / 32, `accuracy ${tail(balanced, 'collab_accuracy')} vs chance 1/32`);
  assert.ok(on.together > 2 * on.apart && on.together > 2 * off.together, `couples under one first code: ${on.together} vs other pairs ${on.apart}, plain run ${off.together}`);
  assert.ok(tail(balanced, 'recon') < 1.05 * tail(plain, 'recon'), `reconstruction within 5% of the plain run: ${tail(balanced, 'recon')} vs ${tail(plain, 'recon')}`);
  assert.ok(balanced.usage[0] >= plain.usage[0] - 0.125, `level 0 keeps its codes: ${balanced.usage[0]} vs ${plain.usage[0]}`);
  // The contrast: a fixed weight on the same centred term takes reconstruction with it.
  assert.ok(tail(fixed, 'recon') > 1.15 * tail(plain, 'recon'), `fixed weight 1: recon ${tail(fixed, 'recon')} vs plain ${tail(plain, 'recon')}`);
});

/**
 * `communities` groups of items with unrelated content on one shared offset (as
 * offsetCouples); each user takes 4 items of one community, so co-occurrence links every
 * item of a community with every other.
 */
function offsetCommunities(seed: number, communities: number, size: number, dim: number, shift: number): { features: EmbeddingMatrix; interactions: UserSequences; community: (item: number) => number } {
  const random = Random.derive(seed, 'model-init/synthetic-communities');
  const items = communities * size;
  const data = offsetRows(random, items, dim, shift);
  const users = 100 * communities;
  const train: Int32Array[] = [];
  for (let u = 0; u < users; u++) {
    const c = u % communities;
    const picks = random.permutation(size).subarray(0, 4);
    train.push(Int32Array.from(picks, (p) => c * size + p));
  }
  const interactions = { users: train.map((_, u) => `u${u}`), train, valid: new Int32Array(users).fill(-1), test: new Int32Array(users).fill(-1) };
  return { features: { rows: items, dim, data }, interactions, community: (item) => Math.floor(item / size) };
}

test('collaborative term, item alignment (collab.objective: items): co-occurring items with unrelated content meet through their co-occurrence vectors', async () => {
  const { features, interactions, community } = offsetCommunities(5, 8, 16, 16, 3);
  const settings = (collab: Overrides['collab']): Overrides => ({
    model: { encoder: [64], latent_dim: 8, levels: 2, codebook_size: [8, 16], beta: 0.25 },
    train: { epochs: 150, batch_size: 64, lr: 0.003, seed: 1 },
    collab: { pairs_per_step: 32, similarity: 'centred', target: 'latent', weighting: 'gradient', ...collab },
  });
  const plain = await trainRun(experiment(settings({ weight: 0 })), features, interactions);
  const aligned = await trainRun(experiment(settings({ weight: 10, objective: 'items', temperature: 0.2 })), features, interactions);
  const chance = Math.log(32);
  const tail = (run: { losses: LossesEvent[] }, key: 'collab' | 'collab_accuracy' | 'collab_align' | 'recon'): number => mean(run.losses.slice(-20).map((l) => l[key] as number));
  // Share of same-community item pairs, and of other pairs, under one first code.
  const sharing = (codes: Int32Array): { together: number; apart: number } => {
    let [inside, insideSame, outside, outsideSame] = [0, 0, 0, 0];
    for (let i = 0; i < features.rows; i++) {
      for (let j = i + 1; j < features.rows; j++) {
        const same = codes[2 * i] === codes[2 * j] ? 1 : 0;
        if (community(i) === community(j)) [inside, insideSame] = [inside + 1, insideSame + same];
        else [outside, outsideSame] = [outside + 1, outsideSame + same];
      }
    }
    return { together: insideSame / inside, apart: outsideSame / outside };
  };
  const on = sharing(aligned.codes);
  const off = sharing(plain.codes);
  console.log(
    `item alignment: pair loss ${aligned.losses[0].collab?.toFixed(3)} -> ${tail(aligned, 'collab').toFixed(3)} acc ${tail(aligned, 'collab_accuracy').toFixed(3)} ` +
      `alignment ${aligned.losses[0].collab_align?.toFixed(3)} -> ${tail(aligned, 'collab_align').toFixed(3)} recon ${tail(aligned, 'recon').toFixed(4)} usage ${aligned.usage[0]} community ${on.together.toFixed(3)} others ${on.apart.toFixed(3)} | ` +
      `plain: recon ${tail(plain, 'recon').toFixed(4)} usage ${plain.usage[0]} community ${off.together.toFixed(3)} others ${off.apart.toFixed(3)}`,
  );
  // The pair InfoNCE is only measured here (no gradient), yet it falls: the items' targets carry the pairs.
  assert.ok(aligned.losses.every((l) => typeof l.collab_align === 'number' && l.collab_chance !== null), 'every losses event carries the alignment and the pair chance level');
  assert.ok(tail(aligned, 'collab') < 0.75 * chance, `pair loss falls well below chance: ${tail(aligned, 'collab')} vs ln 32 = ${chance}`);
  assert.ok(tail(aligned, 'collab_accuracy') > 5 / 32, `pair accuracy ${tail(aligned, 'collab_accuracy')} vs chance 1/32`);
  assert.ok(on.together > 2 * on.apart && on.together > 2 * off.together, `community pairs under one first code: ${on.together} vs other pairs ${on.apart}, plain run ${off.together}`);
});

test('balance term at its default settings raises level-0 usage where the first level collapses', async () => {
  const random = new Random(7);
  const items = 512;
  const dim = 16;
  // One tight cloud far from the origin: codes drawn near the origin (no k-means) leave
  // one code nearest to everything.
  const data = new Float32Array(items * dim);
  for (let i = 0; i < items; i++) for (let k = 0; k < dim; k++) data[i * dim + k] = (k < 2 ? 3 : 0) + 0.3 * random.normal();
  const features = { rows: items, dim, data };
  const settings = (weight: number, fade = false): Overrides => ({
    model: { encoder: [32], latent_dim: 8, levels: 2, codebook_size: [32, 32], beta: 0.25 },
    train: { epochs: 40, batch_size: 128, lr: 0.001, seed: 3, kmeans_init: false },
    balance: { weight, fade },
  });
  const plain = await trainRun(experiment(settings(0)), features, null);
  const balanced = await trainRun(experiment(settings(1)), features, null);
  // balance.fade: the pull shrinks as use evens, yet must still lift a collapsed level.
  const faded = await trainRun(experiment(settings(1, true)), features, null);
  assert.ok(plain.usage[0] <= 0.25, `the plain run collapses: level-0 usage ${plain.usage[0]}`);
  assert.ok(balanced.usage[0] >= 2 * plain.usage[0], `balance raises level-0 usage: ${balanced.usage[0]} vs ${plain.usage[0]}`);
  assert.ok(faded.usage[0] >= 2 * plain.usage[0], `faded balance raises level-0 usage: ${faded.usage[0]} vs ${plain.usage[0]}`);
});

test('balance.fade: on a catalog whose codes are already used evenly, the balance term all but drops out of the loss', async () => {
  const random = new Random(13);
  const clusters = 8;
  const items = 512;
  const dim = 16;
  // Eight equidistant clouds of equal size (centres 4 e_c): k-means puts one code on each.
  const centres = Array.from({ length: clusters }, (_, c) => Array.from({ length: dim }, (_, k) => (k === c ? 4 : 0)));
  const data = new Float32Array(items * dim);
  for (let i = 0; i < items; i++) for (let k = 0; k < dim; k++) data[i * dim + k] = centres[i % clusters][k] + 0.3 * random.normal();
  const features = { rows: items, dim, data };
  const settings = (fade: boolean): Overrides => ({
    model: { encoder: [32], latent_dim: 8, levels: 1, codebook_size: [clusters], beta: 0.25 },
    train: { epochs: 40, batch_size: 128, lr: 0.001, seed: 3 },
    balance: { weight: 1, weighting: 'fixed', fade },
    // A code that dies leaves use uneven (the fade then pulls again, weakly); re-initialisation keeps all eight.
    dead_codes: { reinit: true, window: 20, min_usage: 1 },
  });
  // The balance term's weighted part of the loss: total less the RQ-VAE terms.
  const extra = (l: LossesEvent): number => l.total - l.recon - l.codebook.reduce((s, c, i) => s + c + 0.25 * l.commitment[i], 0);
  const tailExtra = (run: { losses: LossesEvent[] }): number => mean(run.losses.slice(-10).map(extra));
  const full = await trainRun(experiment(settings(false)), features, null);
  const faded = await trainRun(experiment(settings(true)), features, null);
  console.log(`balance part of the loss, last 10 steps: ${tailExtra(full).toFixed(4)} without fade, ${tailExtra(faded).toFixed(4)} with; level-0 usage ${full.usage[0]} / ${faded.usage[0]}`);
  assert.equal(faded.usage[0], 1, 'every level-0 code is in use');
  assert.ok(tailExtra(full) > 0.5, `without fade the term keeps its weight: ${tailExtra(full)}`);
  // Not to 0: a batch's imbalance is clamped at 0 from below, so its noise leaves about 0.15.
  assert.ok(tailExtra(faded) < 0.3 * tailExtra(full), `with fade it drops out once use is even: ${tailExtra(faded)} vs ${tailExtra(full)}`);
});

const SCIENTIFIC = path.resolve(__dirname, '../../examples/scientific/scientific.rqvae.yaml');

test('balance term at its default settings (weight 0.1) evens level 0 on Scientific without re-initialisation, reconstruction within 5%', { skip: fs.existsSync(SCIENTIFIC) ? false : `${SCIENTIFIC} missing` }, async () => {
  // 20 epochs of 7 steps; without dead-code re-initialisation level 0 collapses (~7% of its 128 codes).
  const load = (weight: number) => loadExperiment(SCIENTIFIC, ['dead_codes.reinit=false', 'train.epochs=20', `balance.weight=${weight}`]);
  const plainConfig = await load(0);
  const dataset = await loadDataset(plainConfig.data);
  const features = dataset.embeddings;
  assert.ok(features, 'Scientific ships its embeddings');
  const plain = await trainRun(plainConfig, features, null);
  const balanced = await trainRun(await load(0.1), features, null);
  assert.ok(plain.usage[0] <= 0.15, `the plain run collapses: level-0 usage ${plain.usage[0]}`);
  assert.ok(balanced.usage[0] >= 3 * plain.usage[0], `balance raises level-0 usage: ${balanced.usage[0]} vs ${plain.usage[0]}`);
  assert.ok(balanced.recon <= 1.05 * plain.recon, `reconstruction within 5% of the plain run: ${balanced.recon} vs ${plain.recon}`);
});
