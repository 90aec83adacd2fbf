import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TF, Variable } from '../tf/types';
import { writeTensors, readTensorsInto } from '../model/tensorFile';
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

export function loadCheckpoint(tf: TF, runDir: string, tensors: { name: string; tensor: Variable }[]): LoopState {
  const dir = checkpointFolder(runDir);
  if (dir === null) throw new Error(`${runDir}: no checkpoint to resume from (missing ${path.join(runDir, 'checkpoint', STATE_FILE)})`);
  const file = path.join(dir, STATE_FILE);
  readTensorsInto(tf, dir, TENSORS, tensors);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as LoopState;
}
