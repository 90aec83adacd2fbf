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
export function symmetricInfoNce(tf: TF, a: Tensor2D, b: Tensor2D, temperature: number, options: InfoNceOptions = {}): Scalar {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new Error(`symmetricInfoNce: a [${a.shape}] and b [${b.shape}] must have the same 2-D shape`);
  }
  if (a.shape[0] === 0) throw new Error('symmetricInfoNce: no pairs');
  if (!(temperature > 0)) throw new Error(`symmetricInfoNce: temperature must be > 0, got ${temperature}`);
  return tf.tidy(() => {
    const [ac, bc] = options.centred ? centrePair(tf, a, b) : [a, b];
    const an = normaliseRows(tf, ac);
    const bn = normaliseRows(tf, bc);
    let logits = tf.div(matMulByTranspose(tf, an, bn), temperature) as Tensor2D;
    const positives = tf.div(tf.sum(tf.mul(an, bn), 1), temperature);
    let transposed = tf.transpose(logits) as Tensor2D;
    if (options.duplicates) {
      logits = tf.add(logits, options.duplicates.rows) as Tensor2D;
      transposed = tf.add(transposed, options.duplicates.columns) as Tensor2D;
    }
    const rowLse = rowLogSumExp(tf, logits);
    const colLse = rowLogSumExp(tf, transposed);
    const perPair = tf.sub(tf.mul(tf.add(rowLse, colLse), 0.5), positives);
    return tf.mean(perPair) as Scalar;
  });
}

export interface InfoNceOptions {
  /**
   * Subtract the mean of all 2n rows (both sides) before the cosine. An encoder's
   * output starts as one shared vector plus small item-specific parts (Beauty: cosine
   * 0.999 between random items' z and q), so plain cosines are all ~1 and the term sits
   * at chance; centred, random pairs start near 0 and co-occurring ones above.
   */
  centred?: boolean;
  /** Additive masks (0 or a large negative) that drop negatives from rows and columns; see duplicateMasks. */
  duplicates?: DuplicateMasks;
}

/** Masks over the n x n logits: rows (anchor a_i vs b_j) and columns (anchor b_i vs a_j). */
export interface DuplicateMasks {
  rows: Tensor2D;
  columns: Tensor2D;
}

/** Added to a masked logit: exp() of it is 0 in float32. */
const MASKED = -1e9;

/**
 * Masks for negatives that are the anchor's own positive item again: in row i, b_j
 * with item(b_j) = item(b_i), j != i (and a_j = a_i for column i). Pairs drawn from a
 * catalog with popular items repeat items within a batch; such a "negative" has the
 * positive's exact vector, so it can never be told apart and only adds a floor. Null
 * when the batch has no repeats.
 */
export function duplicateMasks(tf: TF, a: ArrayLike<number>, b: ArrayLike<number>): DuplicateMasks | null {
  const n = a.length;
  const build = (items: ArrayLike<number>): Float32Array | null => {
    const byItem = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const list = byItem.get(items[i]);
      if (list) list.push(i);
      else byItem.set(items[i], [i]);
    }
    let mask: Float32Array | null = null;
    for (const rows of byItem.values()) {
      if (rows.length < 2) continue;
      mask ??= new Float32Array(n * n);
      for (const i of rows) for (const j of rows) if (i !== j) mask[i * n + j] = MASKED;
    }
    return mask;
  };
  const rows = build(b);
  const columns = build(a);
  if (!rows && !columns) return null;
  const zeros = new Float32Array(n * n);
  return { rows: tf.tensor2d(rows ?? zeros, [n, n]), columns: tf.tensor2d(columns ?? zeros, [n, n]) };
}

/** a and b minus the mean row of both (differentiable; a 1 x 2n product, not a first-axis reduction). */
function centrePair(tf: TF, a: Tensor2D, b: Tensor2D): [Tensor2D, Tensor2D] {
  const n = a.shape[0];
  const both = tf.concat([a, b], 0) as Tensor2D;
  const mean = tf.matMul(tf.fill([1, 2 * n], 1 / (2 * n)), both);
  return [tf.sub(a, mean) as Tensor2D, tf.sub(b, mean) as Tensor2D];
}

function normaliseRows(tf: TF, x: Tensor2D): Tensor2D {
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), NORM_EPSILON));
  return tf.div(x, norm) as Tensor2D;
}

/**
 * The collaborative term's in-batch accuracy, as a 1-element tensor: the share of rows
 * i whose own positive scores strictly above every other row of the other side (cosine,
 * any temperature), averaged over both directions (a -> b and b -> a). A tie with a
 * negative (two identical quantized vectors) is not a hit; negatives that `options`
 * masks (the same item again) are not counted, and `centred` scores as the loss does. Chance is 1 / rows. Not
 * meant to be differentiated (the trainer only reports it).
 */
export function inBatchAccuracy(tf: TF, a: Tensor2D, b: Tensor2D, options: InfoNceOptions = {}): Tensor1D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new Error(`inBatchAccuracy: a [${a.shape}] and b [${b.shape}] must have the same 2-D shape`);
  }
  return tf.tidy(() => {
    const n = a.shape[0];
    const [ac, bc] = options.centred ? centrePair(tf, a, b) : [a, b];
    const scores = tf.matMul(normaliseRows(tf, ac), tf.transpose(normaliseRows(tf, bc))) as Tensor2D;
    // The diagonal read from the same matrix, so an exact duplicate ties exactly.
    const eye = tf.eye(n);
    const positives = tf.sum(tf.mul(scores, eye), 1);
    // Cosines lie in [-1, 1]: pushing the diagonal down by 4 removes it from the max.
    const negatives = tf.sub(scores, tf.mul(eye, 4));
    const hits = (bestNegative: Tensor): Tensor => tf.cast(tf.greater(positives, bestNegative), 'float32');
    const masked = (x: Tensor, mask: Tensor2D | undefined): Tensor => (mask ? tf.add(x, mask) : x);
    const rows = hits(tf.max(masked(negatives, options.duplicates?.rows), 1));
    const columns = hits(tf.max(masked(tf.transpose(negatives), options.duplicates?.columns), 1));
    return tf.reshape(tf.div(tf.add(tf.sum(rows), tf.sum(columns)), 2 * n), [1]) as Tensor1D;
  });
}
