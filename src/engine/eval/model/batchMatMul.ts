/**
 * Batched a · b (rank 3) whose gradient uses only untransposed products on wasm,
 * where transposeA/transposeB matMuls are 10-30x slower (design §6): the attention
 * products of the retriever go through here, as the RQ-VAE's dense layers go through
 * model/fastMatMul.ts.
 */
import type { TF, Tensor } from '../../tf/types';
import { explicitTransposes, registerGradientOnce, registerKernelAlias } from '../../model/fastMatMul';

const KERNEL = 'SemidBatchMatMul3';

export type Tensor3D = ReturnType<TF['tensor3d']>;

export function batchMatMul(tf: TF, a: Tensor3D, b: Tensor3D): Tensor3D {
  registerGradientOnce(tf, {
    kernelName: KERNEL,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [x, y] = saved as Tensor3D[];
      const g = dy as Tensor3D;
      return { a: () => productWithTransposedB3(tf, g, y), b: () => productWithTransposedA3(tf, x, g) };
    },
  });
  registerKernelAlias(tf, KERNEL, 'BatchMatMul', { transposeA: false, transposeB: false });
  return tf.engine().runKernel(KERNEL, { a, b }, { transposeA: false, transposeB: false }) as Tensor3D;
}

/** Batched a · bᵀ. */
export function productWithTransposedB3(tf: TF, a: Tensor3D, b: Tensor3D): Tensor3D {
  return explicitTransposes(tf) ? tf.matMul(a, tf.transpose(b, [0, 2, 1])) : tf.matMul(a, b, false, true);
}

/** Batched aᵀ · b. */
export function productWithTransposedA3(tf: TF, a: Tensor3D, b: Tensor3D): Tensor3D {
  return explicitTransposes(tf) ? tf.matMul(tf.transpose(a, [0, 2, 1]), b) : tf.matMul(a, b, true, false);
}

export type { Tensor };
