import type { TF, Tensor2D, Variable } from '../tf/types';
import type { Random } from '../util/random';

/** Dead codes of one level found at the end of a window. */
export interface DeadCodesAtLevel {
  level: number;
  /** Ascending code indices used fewer than `minUsage` times in the window. */
  codes: number[];
}

/** Plain-JSON snapshot of a tracker, stored in checkpoints so a resumed run continues the window. */
export interface DeadCodeTrackerState {
  codebookSizes: number[];
  window: number;
  minUsage: number;
  /** Per level, the usage of each code so far in the current window. */
  counts: number[][];
}

/**
 * Counts code usage over tumbling windows of `window` steps (design §4, dead codes).
 * The trainer calls record() for each level every step, then endStep(step) with the
 * 1-based number of steps done; the steps window, 2·window, ... close a window.
 */
export class DeadCodeTracker {
  private readonly counts: Int32Array[];

  constructor(
    private readonly codebookSizes: number[],
    private readonly window: number,
    private readonly minUsage: number,
  ) {
    if (codebookSizes.length === 0 || !codebookSizes.every((k) => Number.isInteger(k) && k > 0)) {
      throw new Error(`DeadCodeTracker: codebook sizes must be positive integers, got [${codebookSizes}]`);
    }
    if (!Number.isInteger(window) || window < 1) {
      throw new Error(`DeadCodeTracker: window must be an integer >= 1, got ${window}`);
    }
    if (!Number.isFinite(minUsage) || minUsage < 0) {
      throw new Error(`DeadCodeTracker: minUsage must be >= 0, got ${minUsage}`);
    }
    this.codebookSizes = [...codebookSizes];
    this.counts = codebookSizes.map((k) => new Int32Array(k));
  }

  /** Adds one step's assignments of one level. */
  record(level: number, codes: Int32Array | ArrayLike<number>): void {
    const counts = this.levelCounts(level);
    const size = counts.length;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (!(code >= 0 && code < size) || !Number.isInteger(code)) {
        throw new RangeError(`DeadCodeTracker: code ${code} out of range for level ${level} (K = ${size})`);
      }
      counts[code]++;
    }
  }

  /**
   * Closes step `step`. At a window's end returns the dead codes of every level that
   * has some ([] when none) and resets the counters; between window ends returns null.
   */
  endStep(step: number): DeadCodesAtLevel[] | null {
    if (!Number.isInteger(step) || step < 1 || step % this.window !== 0) return null;
    const found: DeadCodesAtLevel[] = [];
    this.counts.forEach((counts, level) => {
      const codes: number[] = [];
      for (let k = 0; k < counts.length; k++) if (counts[k] < this.minUsage) codes.push(k);
      if (codes.length > 0) found.push({ level, codes });
      counts.fill(0);
    });
    return found;
  }

  getState(): DeadCodeTrackerState {
    return {
      codebookSizes: [...this.codebookSizes],
      window: this.window,
      minUsage: this.minUsage,
      counts: this.counts.map((c) => Array.from(c)),
    };
  }

  /** Restores counts saved by getState(); the tracker's configuration must match. */
  setState(state: DeadCodeTrackerState): void {
    const sameSizes =
      state.codebookSizes.length === this.codebookSizes.length &&
      state.codebookSizes.every((k, l) => k === this.codebookSizes[l]);
    if (!sameSizes || state.window !== this.window || state.minUsage !== this.minUsage) {
      throw new Error('DeadCodeTracker.setState: the saved state was taken with another configuration');
    }
    if (state.counts.length !== this.counts.length || state.counts.some((c, l) => c.length !== this.counts[l].length)) {
      throw new Error('DeadCodeTracker.setState: saved counts do not match the codebook sizes');
    }
    state.counts.forEach((c, l) => this.counts[l].set(c));
  }

  private levelCounts(level: number): Int32Array {
    const counts = this.counts[level];
    if (!Number.isInteger(level) || counts === undefined) {
      throw new RangeError(`DeadCodeTracker: no level ${level} (levels: ${this.counts.length})`);
    }
    return counts;
  }
}

/**
 * Replaces each dead code's row of `codebook` (K x d) with a row of `residualBatch`
 * (n x d, the residuals r_{l-1} entering that level), drawn without replacement while
 * rows last. Every other row is left bit-identical (a row-wise select, no arithmetic).
 * The optimizer's moments for the replaced rows are not touched here.
 */
export function reinitDeadCodes(
  tf: TF,
  codebook: Variable,
  dead: number[],
  residualBatch: Tensor2D,
  random: Random,
): void {
  const [codebookSize, width] = codebook.shape;
  const [batchSize, residualWidth] = residualBatch.shape;
  if (codebook.rank !== 2 || residualBatch.rank !== 2 || width !== residualWidth) {
    throw new Error(`reinitDeadCodes: codebook [${codebook.shape}] and residuals [${residualBatch.shape}] differ in width`);
  }
  const codes = [...new Set(dead)].sort((x, y) => x - y);
  if (codes.some((k) => !Number.isInteger(k) || k < 0 || k >= codebookSize)) {
    throw new RangeError(`reinitDeadCodes: dead codes [${dead}] out of range for K = ${codebookSize}`);
  }
  if (codes.length === 0) return;
  if (batchSize === 0) throw new Error('reinitDeadCodes: empty residual batch');

  const rows = drawRows(random, batchSize, codes.length);
  tf.tidy(() => {
    const replacements = tf.gather(residualBatch, tf.tensor1d(rows, 'int32'));
    const placed = tf.scatterND(tf.tensor2d(codes, [codes.length, 1], 'int32'), replacements, [codebookSize, width]);
    const isDead = new Uint8Array(codebookSize); // bool tensors take 0/1 bytes
    for (const k of codes) isDead[k] = 1;
    const mask = tf.tensor2d(isDead, [codebookSize, 1], 'bool');
    codebook.assign(tf.where(mask, placed, codebook));
  });
}

/** `count` row indices in [0, n): distinct for the first n (a shuffle), uniform repeats after that. */
function drawRows(random: Random, n: number, count: number): Int32Array {
  const pool = random.permutation(n);
  const rows = new Int32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i < n ? pool[i] : random.int(n);
  return rows;
}
