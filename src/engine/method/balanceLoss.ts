import type { TF, Scalar, Tensor1D, Tensor2D } from '../tf/types';
import { squaredDistances } from './codeDistances';

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
  temperature: number,
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
  temperature: number,
): Scalar {
  if (distances.rank !== 2 || distances.shape[1] !== K) {
    throw new Error(`balanceLoss: distances [${distances.shape}] must be n x ${K}`);
  }
  if (assigned.rank !== 1 || assigned.shape[0] !== distances.shape[0]) {
    throw new Error(`balanceLoss: ${assigned.shape[0]} assignments for ${distances.shape[0]} rows`);
  }
  if (distances.shape[0] === 0) throw new Error('balanceLoss: empty batch');
  if (!(temperature > 0)) throw new Error(`balanceLoss: temperature must be > 0, got ${temperature}`);
  return tf.tidy(() => {
    const n = distances.shape[0];
    const probabilities = tf.softmax(tf.div(distances, -temperature));
    // f as a 1 x K row: a plain matMul of 1/n against the one-hot assignments, because
    // tfjs-wasm reduces over the first axis slowly. The one-hot is built as int32 and
    // cast: tfjs-wasm 4.22's OneHot with dtype float32 returns all zeros.
    const oneHot = tf.cast(tf.oneHot(tf.cast(assigned, 'int32'), K), 'float32');
    const share = tf.matMul(tf.fill([1, n], 1 / n), oneHot);
    // Σ_k f_k P_k = mean_i Σ_k p_ik f_k: last-axis sums only.
    return tf.mul(tf.mean(tf.sum(tf.mul(probabilities, share), 1)), K) as Scalar;
  });
}
