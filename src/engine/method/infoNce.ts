import type { TF, Scalar, Tensor, Tensor1D, Tensor2D } from '../tf/types';
import { matMulByTranspose } from './matMulByTranspose';
import { rowLogSumExp } from './rowLogSumExp';

export { straightThroughQuantized } from './straightThrough';

/** Added to the squared row norm before the square root, so a zero row normalises to 0, not NaN. */
const NORM_EPSILON = 1e-12;

/**
 * The collaborative term (design §4): symmetric InfoNCE over cosine similarities, with
 * row i of `a` and row i of `b` a positive pair and every other row of the other side a
 * negative. Differentiable w.r.t. both inputs.
 *
 * With S = cos(a, b) / t, the two log-softmaxes at the diagonal are
 * S_ii - logsumexp_j S_ij (rows) and S_ii - logsumexp_j S_ji (columns), so the loss is
 * mean_i [ (lse_row_i + lse_col_i) / 2 - S_ii ]: no one-hot diagonal mask, no gather.
 * Column sums go through an explicit transpose because tfjs-wasm reduces over the last
 * axis far faster than over the first.
 */
export function symmetricInfoNce(tf: TF, a: Tensor2D, b: Tensor2D, temperature: number): Scalar {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new Error(`symmetricInfoNce: a [${a.shape}] and b [${b.shape}] must have the same 2-D shape`);
  }
  if (a.shape[0] === 0) throw new Error('symmetricInfoNce: no pairs');
  if (!(temperature > 0)) throw new Error(`symmetricInfoNce: temperature must be > 0, got ${temperature}`);
  return tf.tidy(() => {
    const an = normaliseRows(tf, a);
    const bn = normaliseRows(tf, b);
    const logits = tf.div(matMulByTranspose(tf, an, bn), temperature) as Tensor2D;
    const positives = tf.div(tf.sum(tf.mul(an, bn), 1), temperature);
    const rowLse = rowLogSumExp(tf, logits);
    const colLse = rowLogSumExp(tf, tf.transpose(logits));
    const perPair = tf.sub(tf.mul(tf.add(rowLse, colLse), 0.5), positives);
    return tf.mean(perPair) as Scalar;
  });
}

function normaliseRows(tf: TF, x: Tensor2D): Tensor2D {
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), NORM_EPSILON));
  return tf.div(x, norm) as Tensor2D;
}

/**
 * The collaborative term's in-batch accuracy, as a 1-element tensor: the share of rows
 * i whose own positive scores strictly above every other row of the other side (cosine,
 * any temperature), averaged over both directions (a -> b and b -> a). A tie with a
 * negative (two identical quantized vectors) is not a hit. Chance is 1 / rows. Not
 * meant to be differentiated (the trainer only reports it).
 */
export function inBatchAccuracy(tf: TF, a: Tensor2D, b: Tensor2D): Tensor1D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new Error(`inBatchAccuracy: a [${a.shape}] and b [${b.shape}] must have the same 2-D shape`);
  }
  return tf.tidy(() => {
    const n = a.shape[0];
    const scores = tf.matMul(normaliseRows(tf, a), tf.transpose(normaliseRows(tf, b))) as Tensor2D;
    // The diagonal read from the same matrix, so an exact duplicate ties exactly.
    const eye = tf.eye(n);
    const positives = tf.sum(tf.mul(scores, eye), 1);
    // Cosines lie in [-1, 1]: pushing the diagonal down by 4 removes it from the max.
    const negatives = tf.sub(scores, tf.mul(eye, 4));
    const hits = (bestNegative: Tensor): Tensor => tf.cast(tf.greater(positives, bestNegative), 'float32');
    const rows = hits(tf.max(negatives, 1));
    const columns = hits(tf.max(tf.transpose(negatives), 1));
    return tf.reshape(tf.div(tf.add(tf.sum(rows), tf.sum(columns)), 2 * n), [1]) as Tensor1D;
  });
}
