import type { TF, Tensor, Variable } from '../tf/types';
import type { OptimizerName } from '../config/experiment';

/**
 * Adam, AdamW and Adagrad written out, rather than tf.train's: their whole state is
 * plain tensors we save in a checkpoint, and the bias corrections are computed in
 * float64 from the step count, so a resumed run takes bit-identical steps (tf.train's
 * Adam rebuilds its beta powers differently after setWeights).
 */
export interface OptimizerOptions {
  name: OptimizerName;
  lr: number;
  weightDecay: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;
const ADAGRAD_INITIAL = 0.1;

/**
 * Per variable with re-initialised rows: each row's step count at its last reset (0 =
 * never), so a row's own count is `step - origin`. JSON, saved in the checkpoint state.
 */
export type RowOrigins = Record<string, number[]>;

export class Optimizer {
  /** Completed updates. */
  step = 0;
  /** Per variable: Adam's first and second moments, or Adagrad's accumulator (first only). */
  private slots: { first: Variable; second: Variable | null }[];
  /** Variables some of whose rows were reset: the global step at each row's reset. */
  private origins = new Map<number, Int32Array>();

  constructor(
    private readonly tf: TF,
    private readonly variables: Variable[],
    readonly options: OptimizerOptions,
  ) {
    this.slots = variables.map((v) => ({
      first: tf.variable(options.name === 'adagrad' ? tf.fill(v.shape, ADAGRAD_INITIAL) : tf.zerosLike(v), false),
      second: options.name === 'adagrad' ? null : tf.variable(tf.zerosLike(v), false),
    }));
  }

  /** Applies one update; `grads[i]` is the gradient of `variables[i]` (null = no gradient). */
  apply(grads: (Tensor | null)[]): void {
    const tf = this.tf;
    const { name, lr, weightDecay } = this.options;
    this.step++;
    const t = this.step;
    tf.tidy(() => {
      this.variables.forEach((v, i) => {
        let g = grads[i];
        if (!g) return;
        const slot = this.slots[i];
        // Scalars for variables whose rows all share the global count; a column of
        // per-row values where some rows were re-initialised (their own count, so their
        // first update is lr-sized like any fresh parameter's, not ~3x at step 3,000).
        const origins = this.origins.get(i);
        const { stepScale, stepScaleLr, epsilonScaled } = origins ? rowCorrections(tf, t, origins, lr) : corrections(t, lr);
        // Adam/Adagrad: L2 penalty in the gradient; AdamW: decoupled decay below.
        if (weightDecay > 0 && name !== 'adamw') g = tf.add(g, tf.mul(v, weightDecay));
        if (name === 'adagrad') {
          slot.first.assign(tf.add(slot.first, tf.square(g)));
          v.assign(tf.sub(v, tf.mul(tf.div(g, tf.sqrt(slot.first)), lr)));
          return;
        }
        const second = slot.second as Variable;
        slot.first.assign(tf.add(tf.mul(slot.first, BETA1), tf.mul(g, 1 - BETA1)));
        second.assign(tf.add(tf.mul(second, BETA2), tf.mul(tf.square(g), 1 - BETA2)));
        // lr * mHat / (sqrt(vHat) + eps), the corrections and lr folded into two scalars:
        // m * (lr sqrt(c2) / c1) / (sqrt(v) + eps sqrt(c2)): 5 full-size ops instead of 7.
        const denominator = tf.add(tf.sqrt(second), epsilonScaled);
        if (name === 'adamw' && weightDecay > 0) {
          const update = tf.add(tf.div(tf.mul(slot.first, stepScale), denominator), tf.mul(v, weightDecay));
          v.assign(tf.sub(v, tf.mul(update, lr)));
        } else {
          v.assign(tf.sub(v, tf.div(tf.mul(slot.first, stepScaleLr), denominator)));
        }
      });
    });
  }

  /**
   * Resets the state of some rows of variable `index` (used when a dead code is
   * re-initialised): zero moments and, for Adam/AdamW, a step count that restarts, so
   * the bias correction treats them as new parameters.
   */
  resetRows(index: number, rows: number[]): void {
    const tf = this.tf;
    const slot = this.slots[index];
    const shape = this.variables[index].shape;
    if (rows.length === 0 || shape.length !== 2) return;
    if (this.options.name !== 'adagrad') {
      const origins = this.origins.get(index) ?? new Int32Array(shape[0]);
      for (const r of rows) origins[r] = this.step;
      this.origins.set(index, origins);
    }
    tf.tidy(() => {
      const mask = new Float32Array(shape[0]).fill(1);
      for (const r of rows) mask[r] = 0;
      const keep = tf.tensor2d(mask, [shape[0], 1]);
      const initial = this.options.name === 'adagrad' ? ADAGRAD_INITIAL : 0;
      for (const s of [slot.first, slot.second]) {
        if (s) s.assign(tf.add(tf.mul(s, keep), tf.mul(tf.sub(1, keep), initial)));
      }
    });
  }

  /** The per-row step origins, for the checkpoint's state (empty when no row was reset). */
  getRowOrigins(): RowOrigins {
    const out: RowOrigins = {};
    for (const [index, origins] of this.origins) out[String(index)] = Array.from(origins);
    return out;
  }

  setRowOrigins(saved: RowOrigins | undefined): void {
    this.origins.clear();
    for (const [key, values] of Object.entries(saved ?? {})) {
      const index = Number(key);
      const shape = this.variables[index]?.shape;
      if (!shape || shape.length !== 2 || values.length !== shape[0]) {
        throw new Error(`optimizer state: row origins for variable ${key} do not match its shape [${shape ?? ''}]`);
      }
      this.origins.set(index, Int32Array.from(values));
    }
  }

  /** State tensors in a fixed order, for checkpoints. */
  stateTensors(): { name: string; tensor: Variable }[] {
    const out: { name: string; tensor: Variable }[] = [];
    this.slots.forEach((s, i) => {
      out.push({ name: `opt/${i}/first`, tensor: s.first });
      if (s.second) out.push({ name: `opt/${i}/second`, tensor: s.second });
    });
    return out;
  }

  dispose(): void {
    for (const s of this.slots) {
      s.first.dispose();
      s.second?.dispose();
    }
  }
}

/** Adam's bias corrections at count t, in float64 (see above), rounded once to float32 by tf. */
function corrections(t: number, lr: number): { stepScale: number; stepScaleLr: number; epsilonScaled: number } {
  const correction1 = 1 - Math.pow(BETA1, t);
  const correction2 = 1 - Math.pow(BETA2, t);
  const stepScale = Math.sqrt(correction2) / correction1;
  return { stepScale, stepScaleLr: stepScale * lr, epsilonScaled: EPSILON * Math.sqrt(correction2) };
}

/** The same per row (rows x 1 columns), each row at its own count `t - origin`. */
function rowCorrections(tf: TF, t: number, origins: Int32Array, lr: number): { stepScale: Tensor; stepScaleLr: Tensor; epsilonScaled: Tensor } {
  const n = origins.length;
  const scale = new Float32Array(n);
  const scaleLr = new Float32Array(n);
  const eps = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const c = corrections(t - origins[r], lr);
    scale[r] = c.stepScale;
    scaleLr[r] = c.stepScaleLr;
    eps[r] = c.epsilonScaled;
  }
  return { stepScale: tf.tensor2d(scale, [n, 1]), stepScaleLr: tf.tensor2d(scaleLr, [n, 1]), epsilonScaled: tf.tensor2d(eps, [n, 1]) };
}
