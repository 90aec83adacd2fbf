import type { TF, Tensor, Tensor2D } from '../tf/types';

/**
 * Identity ops that read and set gradient sizes, for `collab.weighting: gradient` and
 * `balance.weighting: gradient`: the term's pull is set as a share of the RQ-VAE loss's
 * pull at the latent, not by a fixed weight. A fixed weight cannot hold across catalogs or similarities:
 * on Beauty the plain-cosine term's gradient is ~4% of the RQ-VAE loss's and the
 * centred one's ~25x (studies/collab/README.md), and both change as training goes; a
 * balance term with a sharp (relative) temperature has a gradient ~1/T that wiped the
 * latent (studies/seed-ablation/README.md).
 */

/** Frobenius norm of a gradient, as a kept 1-element tensor (the caller disposes it). */
function frobenius(tf: TF, dy: Tensor): Tensor {
  return tf.keep(tf.reshape(tf.sqrt(tf.sum(tf.square(dy))), [1]));
}

/**
 * x unchanged; on the way back, the incoming gradient passes unchanged and its
 * Frobenius norm is handed to `onNorm` (a kept tensor: read it after the backward pass
 * and dispose it).
 */
export function probeGradient<T extends Tensor2D>(tf: TF, x: T, onNorm: (norm: Tensor) => void): T {
  const probe = tf.customGrad((...args) => {
    const input = args[0] as Tensor;
    return {
      value: input.clone(),
      gradFunc: (dy: Tensor) => {
        onNorm(frobenius(tf, dy));
        return [dy.clone()];
      },
    };
  });
  return probe(x) as T;
}

/**
 * x unchanged; on the way back, the incoming gradient is rescaled to Frobenius norm
 * `target` (0 passes nothing back), and its norm before rescaling is handed to
 * `onNorm` (kept; the caller disposes it). target / that norm is the weight the term
 * effectively had this step.
 */
export function scaleGradientTo<T extends Tensor2D>(tf: TF, x: T, target: number, onNorm: (norm: Tensor) => void): T {
  if (!(target >= 0) || !Number.isFinite(target)) throw new Error(`scaleGradientTo: target must be a finite number >= 0, got ${target}`);
  const scale = tf.customGrad((...args) => {
    const input = args[0] as Tensor;
    return {
      value: input.clone(),
      gradFunc: (dy: Tensor) => {
        const norm = frobenius(tf, dy);
        onNorm(norm);
        // A zero gradient stays zero (no 0/0).
        return [tf.mul(dy, tf.div(target, tf.maximum(norm, 1e-30)))];
      },
    };
  });
  return scale(x) as T;
}

/**
 * x unchanged; on the way back, the incoming gradient times `factor` (0 passes nothing
 * back). For `balance.weighting: gradient`: the codebooks' share of the balance term
 * takes the factor that scaleGradientTo gave its latent share the step before, so the
 * whole term is weighted by one factor.
 */
export function scaleGradientBy<T extends Tensor2D>(tf: TF, x: T, factor: number): T {
  if (!(factor >= 0) || !Number.isFinite(factor)) throw new Error(`scaleGradientBy: factor must be a finite number >= 0, got ${factor}`);
  const scale = tf.customGrad((...args) => {
    const input = args[0] as Tensor;
    return { value: input.clone(), gradFunc: (dy: Tensor) => [tf.mul(dy, factor)] };
  });
  return scale(x) as T;
}

/**
 * The reference size that a gradient-weighted term is scaled to: an
 * exponential moving average of the RQ-VAE loss's gradient norm at the latent, so one
 * noisy batch does not set the next step's pull. Null before the first measurement
 * (the term then passes no gradient: its first step only measures).
 */
export class GradientReference {
  private value: number | null = null;

  constructor(private readonly decay = 0.9) {}

  get current(): number | null {
    return this.value;
  }

  record(norm: number): void {
    if (!Number.isFinite(norm)) return;
    this.value = this.value === null ? norm : this.decay * this.value + (1 - this.decay) * norm;
  }

  getState(): number | null {
    return this.value;
  }

  setState(value: unknown): void {
    this.value = typeof value === 'number' && Number.isFinite(value) ? value : null;
  }
}
