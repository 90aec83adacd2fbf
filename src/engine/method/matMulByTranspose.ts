import type { TF, Tensor, Tensor2D } from '../tf/types';

/**
 * a · bᵀ (n x d by m x d -> n x m) for differentiated paths.
 *
 * On tfjs-wasm a matMul with transposeA/transposeB runs 10-20x slower than a plain one
 * (design §6), and the default gradient of any matMul uses exactly those. Here the
 * forward and both backward products are plain matMuls against explicit transposes:
 * d(a bᵀ)/da = dy · b and d(a bᵀ)/db = dyᵀ · a.
 */
export function matMulByTranspose(tf: TF, a: Tensor2D, b: Tensor2D): Tensor2D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[1]) {
    throw new Error(`matMulByTranspose: shapes [${a.shape}] and [${b.shape}] do not share a row length`);
  }
  const product = tf.customGrad((...args) => {
    const [x, y, save] = args as [Tensor2D, Tensor2D, (tensors: Tensor[]) => void];
    save([x, y]);
    return {
      value: tf.matMul(x, tf.transpose(y)),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ys] = saved as Tensor2D[];
        const dy2 = dy as Tensor2D;
        return [tf.matMul(dy2, ys), tf.matMul(tf.transpose(dy2), xs)];
      },
    };
  });
  return product(a, b) as Tensor2D;
}
