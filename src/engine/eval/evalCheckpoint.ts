/**
 * The checkpoint of an evaluation in progress (`<run>/eval_checkpoint/`), so `semid eval
 * --resume` continues an interrupted one with the same results as an uninterrupted one:
 * each model's fit state and tensors (fit.ts saves them at every epoch's end, on a stop
 * request and when training ends) and, once a model is ranked, its per-user ranks.
 * `state.json` is rewritten atomically after each save and names the tensor folder it
 * belongs to, so a process killed mid-save leaves the previous consistent checkpoint.
 * It also records the backend and a hash of the input files: a resume must see the same.
 * Removed when eval.json is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { TF } from '../tf/types';
import type { ExperimentConfig } from '../config/experiment';
import { writeJsonAtomic } from '../run/atomicWrite';
import { readTensorsInto, writeTensors } from '../model/tensorFile';
import type { FitResult, FitState, FitStore, NamedTensor } from './fit';
import { EvalInputError } from './errors';
import { RUN_FILES } from '../../protocol/runLayout';

export const EVAL_CHECKPOINT_DIR = 'eval_checkpoint';
const FORMAT = 'semid-eval-checkpoint-1';

export type CheckpointedModel = 'retriever' | 'sasrec';

/** A model trained and ranked: what eval.json needs of it. */
export interface RankedModel {
  fit: FitResult;
  parameters: number;
  valid: number[];
  test: number[];
  invalid: number;
  generated: number;
}

interface CheckpointFile {
  format: typeof FORMAT;
  /** The `eval` settings the evaluation runs with; a resume must use the same. */
  eval: Record<string, unknown>;
  /** The backend and the SHA-256 of every input file (semantic_ids.jsonl by name, the rest by the path the config gives): a resume must see the same. */
  inputs: Record<string, string>;
  models: Partial<Record<CheckpointedModel, { tensors?: string; state?: FitState; ranked?: RankedModel }>>;
}

/** resume: 'yes' = continue (there must be a checkpoint), 'no' = start over, 'if-present' = continue one if there is one. */
export type ResumeMode = 'yes' | 'no' | 'if-present';

export class EvalCheckpoint {
  private readonly dir: string;
  private readonly file: string;
  private data: CheckpointFile;
  /** True when an earlier sitting's checkpoint was picked up. */
  readonly resumed: boolean;

  constructor(
    private readonly tf: TF,
    runDir: string,
    config: ExperimentConfig,
    mode: ResumeMode,
    backend: string,
  ) {
    this.dir = path.join(runDir, EVAL_CHECKPOINT_DIR);
    this.file = path.join(this.dir, 'state.json');
    const settings = evalSettings(config);
    const inputs = evalInputs(runDir, config, backend);
    const existing = mode === 'no' ? null : readCheckpoint(this.file);
    if (mode === 'yes' && existing === null) {
      throw new EvalInputError(`${runDir}: no interrupted evaluation to resume (no ${path.join(EVAL_CHECKPOINT_DIR, 'state.json')}); run semid eval without --resume`);
    }
    if (existing !== null) {
      const differences = differingKeys(existing.eval, settings);
      const changed = differingInputs(existing.inputs ?? {}, inputs);
      if (differences.length > 0 || changed.length > 0) {
        if (mode === 'yes') {
          const what: string[] = [];
          if (differences.length > 0) what.push(`other settings (${differences.map((k) => `eval.${k}: ${JSON.stringify(valueAt(existing.eval, k))} then, ${JSON.stringify(valueAt(settings, k))} now`).join('; ')})`);
          if (changed.length > 0) what.push(`other inputs (${changed.join('; ')})`);
          throw new EvalInputError(`${runDir}: the interrupted evaluation ran with ${what.join(' and ')}; resume with the same --set, backend and files, or run semid eval without --resume to start over`);
        }
      } else {
        this.data = existing;
        this.resumed = true;
        return;
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
    this.data = { format: FORMAT, eval: settings, inputs, models: {} };
    this.resumed = false;
    this.write();
  }

  ranked(model: CheckpointedModel): RankedModel | null {
    return this.data.models[model]?.ranked ?? null;
  }

  saveRanked(model: CheckpointedModel, ranked: RankedModel): void {
    const previous = this.data.models[model]?.tensors;
    // The weights are no longer needed once the ranks are kept.
    this.data.models[model] = { ranked };
    this.write();
    if (previous) fs.rmSync(path.join(this.dir, previous), { recursive: true, force: true });
  }

  fitStore(model: CheckpointedModel): FitStore {
    return tensorFitStore(this.tf, this.fitEntry(model), (folder, state) => this.recordFit(model, folder, state));
  }

  /** Where the model's fit was last saved, for a store in another thread (eval/sasrecThread.ts); folder and state null when it has none. */
  fitEntry(model: CheckpointedModel): FitEntry {
    const entry = this.data.models[model];
    return { dir: this.dir, model, folder: entry?.tensors ?? null, state: entry?.state ? structuredClone(entry.state) : null };
  }

  /** A save whose tensors are written (in `folder`): state.json names it, and the previous folder goes. */
  recordFit(model: CheckpointedModel, folder: string, state: FitState): void {
    const previous = this.data.models[model]?.tensors;
    this.data.models[model] = { tensors: folder, state: structuredClone(state) };
    this.write();
    if (previous && previous !== folder) fs.rmSync(path.join(this.dir, previous), { recursive: true, force: true });
  }

  /** The evaluation finished (eval.json written): nothing left to resume. */
  discard(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private write(): void {
    writeJsonAtomic(this.file, this.data);
  }
}

/** One model's last save: the checkpoint folder, the tensor folder in it and the fit state. */
export interface FitEntry {
  dir: string;
  model: CheckpointedModel;
  folder: string | null;
  state: FitState | null;
}

/**
 * A FitStore over a model's checkpoint: loads the entry's tensors, writes each save's
 * tensors to a fresh folder and hands it to `onSaved`, which records it in state.json
 * (directly in the evaluating thread, by a message from a second one).
 */
export function tensorFitStore(tf: TF, entry: FitEntry, onSaved: (folder: string, state: FitState) => void): FitStore {
  let last = entry.folder;
  return {
    load: (tensors: NamedTensor[]): FitState | null => {
      if (entry.folder === null || entry.state === null) return null;
      readTensorsInto(tf, path.join(entry.dir, entry.folder), 'tensors', tensors);
      return structuredClone(entry.state);
    },
    save: (state: FitState, tensors: NamedTensor[]): void => {
      // A fresh folder per save, named by the global step (and the epoch boundary it may sit on).
      // Never the last one (a stop right after an epoch-end save has the same position): that
      // stays whole until state.json names the new one.
      const base = `${entry.model}-${state.steps}-${state.epoch}-${state.batch}${state.finished ? '-final' : ''}`;
      let folder = base;
      for (let n = 2; folder === last; n++) folder = `${base}.${n}`;
      const target = path.join(entry.dir, folder);
      // Anything already there is a partial save of a killed process, named by no state.json.
      fs.rmSync(target, { recursive: true, force: true });
      fs.mkdirSync(target, { recursive: true });
      writeTensors(target, 'tensors', tensors, {});
      last = folder;
      onSaved(folder, state);
    },
  };
}

/** The settings that decide an evaluation's results (`enabled` only says whether training evaluates). */
function evalSettings(config: ExperimentConfig): Record<string, unknown> {
  // `parallel` decides where SASRec trains, not what it learns.
  const { enabled: _enabled, parallel: _parallel, ...rest } = config.eval;
  void _enabled;
  void _parallel;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

/** The backend (its arithmetic decides the ranks) and a content hash of the run's IDs and of the catalog, item index and interactions it reads. */
function evalInputs(runDir: string, config: ExperimentConfig, backend: string): Record<string, string> {
  // The run's IDs by their name in the run (a moved run directory still resumes), the rest as the config names them.
  const files: [string, string][] = [[RUN_FILES.semanticIds, path.join(runDir, RUN_FILES.semanticIds)]];
  // The catalog and item index map the interactions' item names to rows.
  for (const file of [config.data.items, config.data.item_index]) if (file !== null) files.push([file, file]);
  const interactions = config.data.interactions;
  if (interactions !== null) {
    files.push([interactions, interactions]);
    // A RecBole split reads its .train/.valid/.test siblings too.
    if (/\.inter$/i.test(interactions)) {
      const base = interactions.replace(/\.(train|valid|test)\.inter$/i, '').replace(/\.inter$/i, '');
      for (const part of ['train', 'valid', 'test']) if (fs.existsSync(`${base}.${part}.inter`)) files.push([`${base}.${part}.inter`, `${base}.${part}.inter`]);
    }
  }
  const out: Record<string, string> = { backend };
  for (const [key, file] of files) out[key] = fs.existsSync(file) ? fileHash(file) : 'absent';
  return out;
}

function fileHash(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0; ) hash.update(chunk.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return `sha256:${hash.digest('hex')}`;
}

function differingInputs(then: Record<string, string>, now: Record<string, string>): string[] {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(then), ...Object.keys(now)])) {
    if (then[k] === now[k]) continue;
    if (k === 'backend') out.push(`backend ${then[k] ?? 'not recorded'} then, ${now[k]} now`);
    else if (then[k] === undefined) out.push(`${k} not read then`);
    else if (now[k] === undefined) out.push(`${k} not read now`);
    else out.push(`${k} changed`);
  }
  return out;
}

function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, prefix: string): void => {
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (isObject(x) && isObject(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], prefix ? `${prefix}.${k}` : k);
    } else if (JSON.stringify(x) !== JSON.stringify(y)) {
      out.push(prefix);
    }
  };
  walk(a, b, '');
  return out;
}

function valueAt(settings: Record<string, unknown>, dotted: string): unknown {
  let v: unknown = settings;
  for (const k of dotted.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

function readCheckpoint(file: string): CheckpointFile | null {
  if (!fs.existsSync(file)) return null;
  let data: CheckpointFile;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8')) as CheckpointFile;
  } catch (e) {
    throw new EvalInputError(`${file}: not readable JSON (${(e as Error).message}); delete ${path.dirname(file)} and run semid eval without --resume`);
  }
  if (data?.format !== FORMAT || typeof data.eval !== 'object' || typeof data.models !== 'object') {
    throw new EvalInputError(`${file}: not an evaluation checkpoint (format ${JSON.stringify(data?.format)}); delete ${path.dirname(file)} and run semid eval without --resume`);
  }
  // Written before eval.retrieval.architecture existed: the only retriever then was the decoder-only one.
  const retrieval = data.eval.retrieval;
  if (typeof retrieval === 'object' && retrieval !== null && !('architecture' in retrieval)) (retrieval as Record<string, unknown>).architecture = 'decoder';
  return data;
}
