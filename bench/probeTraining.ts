/**
 * What the collaborative-term probes (bench/collabProbe.ts, bench/collabHeldOut.ts) share:
 * the `--variant name key=value...` arguments, the catalog's features (optionally with the
 * fused co-occurrence input) loaded once for every variant, and one short training in a
 * throw-away run directory that collects the `losses` events.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineEvent } from '../src/protocol';
import { configHash, type ExperimentConfig } from '../src/engine/config';
import { loadDataset } from '../src/engine/data/dataset';
import { featurizeCatalog } from '../src/engine/features/featurize';
import { fuseCooccurrence } from '../src/engine/features/cooccurrenceInput';
import { trainRqVae, type TrainingResult } from '../src/engine/train/trainer';
import type { EngineRuntime } from '../src/engine/tf/backend';
import type { EmbeddingMatrix, UserSequences } from '../src/engine/data/types';
import type { RqVae } from '../src/engine/model/rqvae';

export interface ProbeVariant {
  name: string;
  /** `key=value` overrides of the experiment for this variant. */
  sets: string[];
}

export type LossesEvent = Extract<EngineEvent, { type: 'losses' }>;

/**
 * Reads `--variant NAME key=value...` groups; any other `--flag` goes to `flag` (which
 * consumes its own values from `args`) and returns false when it does not know it.
 */
export function parseProbeArgs(args: string[], flag: (name: string, args: string[]) => boolean): ProbeVariant[] {
  const variants: ProbeVariant[] = [];
  while (args.length) {
    const a = args.shift() as string;
    if (a === '--variant') variants.push({ name: args.shift() as string, sets: [] });
    else if (a.startsWith('--') && flag(a.slice(2), args)) continue;
    else if (variants.length && !a.startsWith('--')) variants[variants.length - 1].sets.push(a);
    else throw new Error(`unexpected argument ${a}`);
  }
  return variants;
}

export interface ProbeInputs {
  features: EmbeddingMatrix;
  /** Width of the fused co-occurrence block at the end of `features` (0 without it). */
  fuseDim: number;
  itemIds: string[];
  interactions: UserSequences;
}

/** The base experiment's features, computed once for every variant. */
export async function probeInputs(base: ExperimentConfig): Promise<ProbeInputs> {
  const dataset = await loadDataset(base.data);
  if (!dataset.interactions) throw new Error('the experiment needs data.interactions');
  const itemIds = dataset.catalog.items.map((it) => it.id);
  const features = dataset.embeddings ?? featurizeCatalog(dataset.catalog, { textFields: base.data.text_fields, dim: base.features.dim, seed: base.train.seed }).matrix;
  return { features, fuseDim: 0, itemIds, interactions: dataset.interactions };
}

/** The inputs with the co-occurrence input appended (features.fuse), built from `pairsFile` (null: the experiment's own pairs). */
export function withFusedInput(inputs: ProbeInputs, base: ExperimentConfig, pairsFile: string | null): ProbeInputs {
  const pairs = pairsFile === null ? base.collab.pairs : { ...base.collab.pairs, file: pairsFile };
  const fused = fuseCooccurrence(inputs.features, inputs.interactions, pairs, base.train.seed, inputs.itemIds);
  return { ...inputs, features: fused.features, fuseDim: fused.fuseDim };
}

/** Epochs that give at least `steps` optimizer steps at the experiment's batch size. */
export function epochsForSteps(steps: number, rows: number, batchSize: number): number {
  return Math.ceil(steps / Math.ceil(rows / Math.min(batchSize, rows)));
}

export interface ProbeTraining {
  result: TrainingResult;
  losses: LossesEvent[];
  seconds: number;
  /** Process CPU time: the fairer number on a shared machine. */
  cpuSeconds: number;
}

/** One full trainRqVae run of `config` in a temporary run directory, removed afterwards. */
export async function trainProbe(
  name: string,
  config: ExperimentConfig,
  experimentPath: string,
  inputs: ProbeInputs,
  runtime: EngineRuntime,
  inspect?: (step: number, model: RqVae, losses: LossesEvent[]) => void,
): Promise<ProbeTraining> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'collab-probe-'));
  const losses: LossesEvent[] = [];
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  try {
    const result = await trainRqVae(
      {
        config,
        configHash: configHash(config),
        runDir,
        features: inputs.features,
        fuseDim: inputs.fuseDim,
        itemIds: inputs.itemIds,
        interactions: inputs.interactions,
        runtime,
        resume: false,
        startEvent: { run_id: name, run_dir: runDir, experiment: config.name, experiment_path: experimentPath, variant: name, seed: config.train.seed, backend: runtime.backend, backend_reason: runtime.reason, levels: config.model.levels, codebook_size: config.model.codebook_size },
      },
      {
        emit: (e) => {
          if (e.type === 'losses') losses.push(e);
        },
        log: () => undefined,
        stopRequested: () => false,
        inspect: inspect && ((step, model) => inspect(step, model, losses)),
      },
    );
    const cpu = process.cpuUsage(cpu0);
    return { result, losses, seconds: (Date.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

/** The trained model's reconstruction and codebook figures, as the probes print them. */
export function finalCodebooks(result: TrainingResult): Record<string, unknown> {
  const f = result.final;
  return { final_recon: f?.recon_loss ?? null, usage: f?.usage ?? null, perplexity: f?.perplexity ?? null, collision_rate: f?.collision_rate ?? null, coherence: f?.coherence ?? null };
}
