import type { TF, Tensor1D, Tensor2D, Variable } from '../tf/types';
import type { MatMul } from './fastMatMul';
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

export function quantize(tf: TF, z: Tensor2D, codebooks: Variable[], matMul: MatMul): QuantizerOutput {
  const levels: QuantizerLevelOutput[] = [];
  let residual = z;
  let quantized: Tensor2D | null = null;
  for (const variable of codebooks) {
    const codebook = variable as Tensor2D;
    const k = codebook.shape[0];
    const distances = squaredDistances(tf, residual, codebook);
    const codes = tf.argMin(distances, 1).toInt() as Tensor1D;
    // One-hot product instead of gather: gather's gradient is slow or missing on wasm.
    const chosen = matMul(tf.oneHot(codes, k).toFloat() as Tensor2D, codebook);
    const codebookLoss = meanSquaredNorm(tf, tf.sub(stopGradient(tf, residual), chosen) as Tensor2D);
    const commitmentLoss = meanSquaredNorm(tf, tf.sub(residual, stopGradient(tf, chosen)) as Tensor2D);
    levels.push({ residual, codes, distances, chosen, codebookLoss, commitmentLoss });
    quantized = quantized === null ? chosen : (tf.add(quantized, chosen) as Tensor2D);
    residual = tf.sub(residual, stopGradient(tf, chosen)) as Tensor2D;
  }
  if (quantized === null) throw new Error('quantize: no codebooks');
  return { levels, quantized };
}

/** Mean over rows of the squared L2 norm of each row, as a 1-element tensor. */
export function meanSquaredNorm(tf: TF, d: Tensor2D): Tensor1D {
  return tf.mean(tf.sum(tf.square(d), 1)).reshape([1]) as Tensor1D;
}

/** Hard assignment only (no losses): codes per level, row-major n x L, in JS. */
export function assignCodes(tf: TF, z: Tensor2D, codebooks: Tensor2D[]): Int32Array {
  const n = z.shape[0];
  const out = new Int32Array(n * codebooks.length);
  tf.tidy(() => {
    let residual = z;
    codebooks.forEach((codebook, l) => {
      const eNorm = tf.sum(tf.square(codebook), 1);
      const cross = tf.matMul(residual, tf.transpose(codebook));
      const codes = tf.argMin(tf.sub(eNorm, tf.mul(cross, 2)), 1).toInt() as Tensor1D;
      const values = codes.dataSync();
      for (let i = 0; i < n; i++) out[i * codebooks.length + l] = values[i];
      residual = tf.sub(residual, tf.matMul(tf.oneHot(codes, codebook.shape[0]).toFloat(), codebook)) as Tensor2D;
    });
  });
  return out;
}
