import type { NamedAttrMap, GradConfig, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { TF, Tensor2D } from '../tf/types';

/**
 * Helpers for matMuls that tfjs-wasm runs slowly: transposeA/transposeB products are
 * ~10-30x slower there than plain ones (design §6), so dense layers (mlp.ts) use an
 * explicit transpose, and our own kernels alias the backend's matMul kernels.
 */

/**
 * Whether transposeA/transposeB matMuls are slow on the active backend and an explicit
 * transpose followed by a plain product is the faster route (true on wasm: XNNPACK
 * runs only the plain layout; the native and WebGL backends transpose for free).
 */
export function explicitTransposes(tf: TF): boolean {
  const name = tf.getBackend();
  return name === 'wasm';
}

/** a · bᵀ without a transposed-operand matMul where that is slow. */
export function productWithTransposedB(tf: TF, a: Tensor2D, b: Tensor2D): Tensor2D {
  return explicitTransposes(tf) ? tf.matMul(a, tf.transpose(b)) : tf.matMul(a, b, false, true);
}

/** aᵀ · b without a transposed-operand matMul where that is slow. */
export function productWithTransposedA(tf: TF, a: Tensor2D, b: Tensor2D): Tensor2D {
  return explicitTransposes(tf) ? tf.matMul(tf.transpose(a), b) : tf.matMul(a, b, true, false);
}

/**
 * Registers kernel `name` on the active backend as the backend's own `target` matMul
 * kernel with `attrs` fixed (once per backend). Our ops take 2-D `a` and `b`; backend
 * matMul kernels expect the rank-3 tensors tfjs-core's ops pass them (wasm's fused
 * one fails on rank 2), so the alias hands them [1, m, k] views of the same data and
 * gives back the [m, n] result. Throws when the backend lacks `target`.
 */
export function registerKernelAlias(tf: TF, name: string, target: string, attrs: NamedAttrMap): void {
  const backendName = tf.getBackend();
  if (tf.getKernel(name, backendName)) return;
  const base: KernelConfig | undefined = tf.getKernel(target, backendName);
  if (!base) throw new Error(`the ${backendName} backend has no ${target} kernel`);
  const batched = (t: TensorInfo | undefined): TensorInfo | undefined =>
    t && t.shape.length === 2 ? { dataId: t.dataId, shape: [1, ...t.shape], dtype: t.dtype } : t;
  tf.registerKernel({
    kernelName: name,
    backendName,
    kernelFunc: (args) => {
      const { a, b } = args.inputs;
      const inputs = { ...args.inputs, a: batched(a), b: batched(b) };
      const out = base.kernelFunc({ ...args, inputs, attrs: { ...args.attrs, ...attrs } }) as TensorInfo;
      if (a && b && a.shape.length === 2) out.shape = [a.shape[0], b.shape[1]];
      return out;
    },
  });
}

/** Registers a gradient unless one is registered already (the registry is per process). */
export function registerGradientOnce(tf: TF, config: GradConfig): void {
  if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
}
