import type { TF, Tensor, Tensor1D, Tensor2D, Variable } from '../tf/types';
import { stopGradient } from './stopGradient';
import { squaredDistances } from '../method/codeDistances';

/**
 * Residual quantization (design §4): level l picks the code nearest to the residual
 * r_{l-1}, and passes on r_l = r_{l-1} - sg(e_{c_l}). Stopping the gradient on the
 * passed-on residual keeps each codebook's update to its own level's terms (the same
 * choice as vector-quantize-pytorch's ResidualVQ).
 */
export interface QuantizerLevelOutput {
  /** r_{l-1}: the residual this level quantized. */
  residual: Tensor2D;
  /** c_l, int32. */
  codes: Tensor1D;
  /** Squared distances to every code (n x K), differentiable (the balance loss reads them). */
  distances: Tensor2D;
  /** e_{c_l}, differentiable w.r.t. the codebook. */
  chosen: Tensor2D;
  /** ||sg(r) - e||^2 summed over dims, mean over the batch. */
  codebookLoss: Tensor1D;
  /** ||r - sg(e)||^2 summed over dims, mean over the batch (before beta). */
  commitmentLoss: Tensor1D;
}

export interface QuantizerOutput {
  levels: QuantizerLevelOutput[];
  /** q = sum_l e_{c_l}. */
  quantized: Tensor2D;
}

export function quantize(tf: TF, z: Tensor2D, codebooks: Variable[]): QuantizerOutput {
  const levels: QuantizerLevelOutput[] = [];
  let residual = z;
  let quantized: Tensor2D | null = null;
  for (const variable of codebooks) {
    const codebook = variable as Tensor2D;
    const distances = squaredDistances(tf, residual, codebook);
    // The argmin reads a detached view: no tape path, so no zero gradient flows back
    // through argMin into the distances' (matMul-heavy) gradient.
    const codes = tf.argMin(detach(tf, distances), 1).toInt() as Tensor1D;
    const chosen = gatherRows(tf, codebook, codes);
    const codebookLoss = meanSquaredNorm(tf, tf.sub(detach(tf, residual), chosen) as Tensor2D);
    const commitmentLoss = meanSquaredNorm(tf, tf.sub(residual, detach(tf, chosen)) as Tensor2D);
    levels.push({ residual, codes, distances, chosen, codebookLoss, commitmentLoss });
    quantized = quantized === null ? chosen : (tf.add(quantized, chosen) as Tensor2D);
    residual = tf.sub(residual, detach(tf, chosen)) as Tensor2D;
  }
  if (quantized === null) throw new Error('quantize: no codebooks');
  return { levels, quantized };
}

/**
 * sg(x) as a second handle on x's data that the gradient tape has never seen: the same
 * value, no gradient, and unlike a zero-gradient op nothing at all to compute or add
 * during backprop. Disposed like any tensor (the data is reference-counted).
 */
export function detach<T extends Tensor>(tf: TF, x: T): T {
  const engine = tf.engine();
  try {
    engine.backend.incRef(x.dataId);
  } catch {
    // A backend without data reference counts: the zero-gradient op instead.
    return stopGradient(tf, x);
  }
  return engine.makeTensorFromDataId(x.dataId, x.shape, x.dtype) as T;
}

/**
 * codebook[codes] with the gradient written out: wasm has no UnsortedSegmentSum (the
 * gather gradient), and a one-hot product wastes an n x K x d matMul forward plus an
 * n x K transpose backward. Backward computes dEᵀ = dyᵀ · onehot (d x n by n x K) and
 * transposes only the small d-wide matrices.
 */
export function gatherRows(tf: TF, codebook: Tensor2D, codes: Tensor1D): Tensor2D {
  const k = codebook.shape[0];
  const op = tf.customGrad((...args) => {
    const [e, save] = args as [Tensor2D, (tensors: Tensor[]) => void];
    // Saved, not captured: the forward pass's intermediates are disposed before backprop.
    save([codes]);
    return {
      value: tf.gather(e, codes),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        // int32 then cast: wasm's OneHot writes int32 bits even when asked for float32.
        const picked = tf.cast(tf.oneHot(saved[0] as Tensor1D, k), 'float32') as Tensor2D;
        return [tf.transpose(tf.matMul(tf.transpose(dy as Tensor2D), picked))];
      },
    };
  });
  return op(codebook) as Tensor2D;
}

/** Mean over rows of the squared L2 norm of each row, as a 1-element tensor. */
export function meanSquaredNorm(tf: TF, d: Tensor2D): Tensor1D {
  return tf.mean(tf.sum(tf.square(d), 1)).reshape([1]) as Tensor1D;
}

/** Hard assignment only (no losses): codes per level, row-major n x L, in JS. */
export function assignCodes(tf: TF, z: Tensor2D, codebooks: Tensor2D[]): Int32Array {
  if (codebooks.length === 0) return new Int32Array(0);
  // One read-back of all levels' codes (a sync point on GPU backends), not one per level.
  const codes = tf.tidy(() => {
    let residual = z;
    const perLevel = codebooks.map((codebook) => {
      const eNorm = tf.sum(tf.square(codebook), 1);
      const cross = tf.matMul(residual, tf.transpose(codebook));
      const levelCodes = tf.argMin(tf.sub(eNorm, tf.mul(cross, 2)), 1).toInt() as Tensor1D;
      residual = tf.sub(residual, tf.gather(codebook, levelCodes)) as Tensor2D;
      return levelCodes;
    });
    return tf.stack(perLevel, 1);
  });
  const out = new Int32Array(codes.dataSync() as Int32Array);
  codes.dispose();
  return out;
}
