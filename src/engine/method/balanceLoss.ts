import type { TF, Scalar, Tensor, Tensor1D, Tensor2D } from '../tf/types';
import { squaredDistances } from './codeDistances';
import { detach } from '../model/residualQuantizer';

/**
 * T as given (`absolute`), or as a multiple of the batch's distance spread (`relative`,
 * see distanceSpread). Squared distances differ by orders of magnitude between catalogs
 * and levels (~0.05-0.3 on Beauty's later levels): an absolute T = 1 left the soft
 * assignment uniform there and the term inert.
 */
export interface BalanceTemperature {
  value: number;
  mode: 'relative' | 'absolute';
}

/**
 * Balance loss of one level (design §4, Switch Transformer with codes as experts):
 * K · Σ_k f_k P_k. f_k, the share of the batch assigned to code k, carries no gradient;
 * P_k = mean_i softmax_k(-||r_i - e_k||² / T) is differentiable w.r.t. the residual and
 * the codebook. 1 for an even hard assignment, → K when one code takes everything.
 */
export function balanceLoss(
  tf: TF,
  residual: Tensor2D,
  codebook: Tensor2D,
  assigned: Tensor1D,
  temperature: number | BalanceTemperature,
): Scalar {
  return tf.tidy(() =>
    balanceLossFromDistances(tf, squaredDistances(tf, residual, codebook), assigned, codebook.shape[0], temperature),
  );
}

/**
 * The same loss from squared distances the trainer already computed for the argmin
 * (n x K, e.g. from squaredDistances); gradients flow through `distances`.
 */
export function balanceLossFromDistances(
  tf: TF,
  distances: Tensor2D,
  assigned: Tensor1D,
  K: number,
  temperature: number | BalanceTemperature,
): Scalar {
  const { value: t, mode } = typeof temperature === 'number' ? { value: temperature, mode: 'absolute' as const } : temperature;
  if (distances.rank !== 2 || distances.shape[1] !== K) {
    throw new Error(`balanceLoss: distances [${distances.shape}] must be n x ${K}`);
  }
  if (assigned.rank !== 1 || assigned.shape[0] !== distances.shape[0]) {
    throw new Error(`balanceLoss: ${assigned.shape[0]} assignments for ${distances.shape[0]} rows`);
  }
  if (distances.shape[0] === 0) throw new Error('balanceLoss: empty batch');
  if (!(t > 0)) throw new Error(`balanceLoss: temperature must be > 0, got ${t}`);
  return tf.tidy(() => {
    const n = distances.shape[0];
    // The floor keeps a batch of residuals sitting exactly on their codes finite.
    const scale = mode === 'relative' ? tf.mul(distanceSpread(tf, distances), -t) : tf.scalar(-t);
    const probabilities = tf.softmax(tf.div(distances, scale));
    // f as a 1 x K row: a plain matMul of 1/n against the one-hot assignments, because
    // tfjs-wasm reduces over the first axis slowly. The one-hot is built as int32 and
    // cast: tfjs-wasm 4.22's OneHot with dtype float32 returns all zeros.
    const oneHot = tf.cast(tf.oneHot(tf.cast(assigned, 'int32'), K), 'float32');
    const share = tf.matMul(tf.fill([1, n], 1 / n), oneHot);
    // Σ_k f_k P_k = mean_i Σ_k p_ik f_k: last-axis sums only.
    return tf.mul(tf.mean(tf.sum(tf.mul(probabilities, share), 1)), K) as Scalar;
  });
}

/**
 * mean_i (mean_k d_ik - min_k d_ik), without gradient: how far the average code lies
 * beyond the nearest one. A softmax over -d/T ignores any shift of a row, so its
 * sharpness depends on this spread, not on the distances' size: a collapsed level
 * (every residual far from every code, all d_ik nearly equal) has a large mean
 * distance but a small spread, and a temperature from the mean would leave it uniform.
 * With T = t x spread the average code sits 1/t below the nearest, at any scale.
 */
export function distanceSpread(tf: TF, distances: Tensor2D): Tensor {
  return tf.tidy(() => {
    const d = detach(tf, distances);
    // The floor keeps a batch whose distances are all equal finite.
    return tf.maximum(tf.sub(tf.mean(d), tf.mean(tf.min(d, 1))), 1e-12);
  });
}
