import type { TF, Tensor, Tensor2D } from '../tf/types';

/**
 * Squared Euclidean distances between residuals (n x d) and codes (K x d), n x K, as
 * ||r||² - 2 r eᵀ + ||e||². Differentiable w.r.t. both; the trainer can take its argmin
 * and hand the same tensor to balanceLossFromDistances. Rounding can leave tiny
 * negative values; argmin and softmax do not mind.
 *
 * The gradient is written out (dr = 2 (r·rowsum(dy) - dy e), de = 2 (e·colsum(dy) -
 * dyᵀ r)) so that tfjs-wasm runs only plain matMuls and last-axis sums: the automatic
 * one uses transposed matMuls and a column reduction over n x K, ~1.5x slower here.
 */
export function squaredDistances(tf: TF, residual: Tensor2D, codebook: Tensor2D): Tensor2D {
  if (residual.rank !== 2 || codebook.rank !== 2 || residual.shape[1] !== codebook.shape[1]) {
    throw new Error(`squaredDistances: residual [${residual.shape}] and codebook [${codebook.shape}] differ in width`);
  }
  const distances = tf.customGrad((...args) => {
    const [r, e, save] = args as [Tensor2D, Tensor2D, (tensors: Tensor[]) => void];
    save([r, e]);
    const residualNorms = tf.sum(tf.square(r), 1, true);
    const codeNorms = tf.reshape(tf.sum(tf.square(e), 1), [1, e.shape[0]]);
    const cross = tf.matMul(r, tf.transpose(e));
    return {
      value: tf.add(tf.sub(residualNorms, tf.mul(cross, 2)), codeNorms) as Tensor2D,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [rs, es] = saved as Tensor2D[];
        const dyRows = dy as Tensor2D;
        const dyCols = tf.transpose(dyRows);
        const dr = tf.sub(tf.mul(rs, tf.sum(dyRows, 1, true)), tf.matMul(dyRows, es));
        const de = tf.sub(tf.mul(es, tf.sum(dyCols, 1, true)), tf.matMul(dyCols, rs));
        return [tf.mul(dr, 2), tf.mul(de, 2)];
      },
    };
  });
  return distances(residual, codebook) as Tensor2D;
}
