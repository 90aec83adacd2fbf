import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TF, Variable } from '../tf/types';
import { writeTensors, readTensorsInto, readManifest, readTensorValues, CorruptTensorFileError } from '../model/tensorFile';
import { DataError } from '../data/types';
import { writeFileAtomic } from '../run/atomicWrite';

/**
 * Everything a run needs to continue exactly where it stopped: model and optimizer
 * tensors, the position in the epoch (its permutation too), random states and the
 * counters that span steps. `--resume` from it ends with the same IDs as a run that
 * was never interrupted.
 */
export interface LoopState {
  step: number;
  epoch: number;
  batchInEpoch: number;
  optimizerStep: number;
  /** Adam's per-row step origins of re-initialised rows (Optimizer.getRowOrigins); absent in older checkpoints. */
  optimizerRows?: Record<string, number[]>;
  dataRandom: number[];
  /** Permutation of the current epoch (empty at an epoch boundary). */
  permutation: number[];
  /** Row-major items x levels: codes seen so far in this epoch (empty at an epoch boundary). */
  epochCodes: number[];
  /** Opaque state of the seed-method parts (dead-code windows, pair sampler). */
  extras: Record<string, unknown>;
  configHash: string;
  seconds: number;
}

const STATE_FILE = 'state.json';
const TENSORS = 'tensors';

export function saveCheckpoint(runDir: string, tensors: { name: string; tensor: Variable }[], state: LoopState): string {
  const dir = path.join(runDir, 'checkpoint');
  const tmp = path.join(runDir, `.checkpoint.${process.pid}.tmp`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  writeTensors(tmp, TENSORS, tensors, {});
  writeFileAtomic(path.join(tmp, STATE_FILE), JSON.stringify(state));
  // Swap whole folders so a crash mid-save leaves the previous checkpoint intact.
  const old = path.join(runDir, `.checkpoint.old.${process.pid}`);
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(tmp, dir);
  fs.rmSync(old, { recursive: true, force: true });
  return dir;
}

/**
 * The folder holding the run's checkpoint: `checkpoint/`, or, when a crash fell
 * between saveCheckpoint's two renames, the previous one it had set aside.
 */
function checkpointFolder(runDir: string): string | null {
  const current = path.join(runDir, 'checkpoint');
  if (fs.existsSync(path.join(current, STATE_FILE))) return current;
  const aside = fs
    .readdirSync(runDir)
    .filter((name) => name.startsWith('.checkpoint.old.'))
    .map((name) => path.join(runDir, name))
    .filter((dir) => fs.existsSync(path.join(dir, STATE_FILE)))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return aside[0] ?? null;
}

export function hasCheckpoint(runDir: string): boolean {
  return checkpointFolder(runDir) !== null;
}

/** A checkpoint that cannot be resumed from: names the file and what is wrong (exit 2, the run is left as it was). */
export class CheckpointError extends DataError {
  constructor(file: string, detail: string) {
    super(file, 0, `corrupt checkpoint: ${detail}`);
    this.name = 'CheckpointError';
  }
}

/** What a checkpoint of this run must agree with. */
export interface CheckpointExpectation {
  items: number;
  levels: number;
  stepsPerEpoch: number;
  epochs: number;
}

/** state.json checked field by field, so a hand-edited or half-written file is named, not trusted. */
export function validateLoopState(file: string, value: unknown, expect: CheckpointExpectation | null): LoopState {
  const fail = (detail: string): never => {
    throw new CheckpointError(file, detail);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('state.json is not a JSON object');
  const s = value as Record<string, unknown>;
  const count = (key: keyof LoopState): number => {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`'${key}' must be a non-negative integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const intList = (key: keyof LoopState): number[] => {
    const v = s[key];
    if (!Array.isArray(v) || !v.every((x) => Number.isSafeInteger(x))) fail(`'${key}' must be a list of integers`);
    return v as number[];
  };
  const step = count('step');
  const epoch = count('epoch');
  const batchInEpoch = count('batchInEpoch');
  const optimizerStep = count('optimizerStep');
  const dataRandom = intList('dataRandom');
  if (dataRandom.length !== 4 || dataRandom.some((x) => x < 0 || x > 0xffffffff)) fail("'dataRandom' must be 4 unsigned 32-bit integers");
  const permutation = intList('permutation');
  const epochCodes = intList('epochCodes');
  if (typeof s.extras !== 'object' || s.extras === null || Array.isArray(s.extras)) fail("'extras' must be an object");
  if (typeof s.configHash !== 'string' || s.configHash === '') fail("'configHash' must be a string");
  if (typeof s.seconds !== 'number' || !Number.isFinite(s.seconds) || s.seconds < 0) fail("'seconds' must be a non-negative number");
  if (optimizerStep !== step) fail(`'optimizerStep' ${optimizerStep} differs from 'step' ${step}`);
  if (expect) {
    const { items, levels, stepsPerEpoch, epochs } = expect;
    if (epoch > epochs || batchInEpoch > stepsPerEpoch) fail(`epoch ${epoch}, batch ${batchInEpoch} is outside ${epochs} epochs of ${stepsPerEpoch} steps`);
    if (step !== epoch * stepsPerEpoch + batchInEpoch) fail(`'step' ${step} does not match epoch ${epoch} x ${stepsPerEpoch} steps + batch ${batchInEpoch}`);
    if (permutation.length !== 0) {
      if (permutation.length !== items) fail(`'permutation' has ${permutation.length} entries for ${items} items`);
      const seen = new Uint8Array(items);
      for (const p of permutation) {
        if (p < 0 || p >= items || seen[p]) fail(`'permutation' is not a permutation of 0..${items - 1}`);
        seen[p] = 1;
      }
    }
    if (epochCodes.length !== 0 && epochCodes.length !== items * levels) fail(`'epochCodes' has ${epochCodes.length} entries, expected ${items} items x ${levels} levels`);
  }
  return s as unknown as LoopState;
}

function readState(folder: string, expect: CheckpointExpectation | null): LoopState {
  const file = path.join(folder, STATE_FILE);
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CheckpointError(file, `state.json is unreadable or not valid JSON, truncated or corrupt (${(e as Error).message})`);
  }
  return validateLoopState(file, value, expect);
}

function noCheckpoint(runDir: string): CheckpointError {
  return new CheckpointError(path.join(runDir, 'checkpoint', STATE_FILE), 'missing: no checkpoint to resume from');
}

/**
 * Checks a run's checkpoint without a backend: state.json field by field, the tensor
 * manifest, the .bin size against it and every value finite. Called before a resume
 * touches the run, so a corrupt checkpoint changes nothing.
 */
export function verifyCheckpoint(runDir: string, expect: CheckpointExpectation): LoopState {
  const dir = checkpointFolder(runDir);
  if (dir === null) throw noCheckpoint(runDir);
  const state = readState(dir, expect);
  try {
    readTensorValues(dir, TENSORS, readManifest(dir, TENSORS));
  } catch (e) {
    if (e instanceof CorruptTensorFileError) throw new CheckpointError(e.file, e.detail);
    throw e;
  }
  return state;
}

export function loadCheckpoint(tf: TF, runDir: string, tensors: { name: string; tensor: Variable }[], expect: CheckpointExpectation): LoopState {
  const dir = checkpointFolder(runDir);
  if (dir === null) throw noCheckpoint(runDir);
  const state = readState(dir, expect);
  try {
    readTensorsInto(tf, dir, TENSORS, tensors);
  } catch (e) {
    if (e instanceof CorruptTensorFileError) throw new CheckpointError(e.file, e.detail);
    throw e;
  }
  return state;
}
