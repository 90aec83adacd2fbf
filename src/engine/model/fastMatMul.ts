import type { TF, Tensor, Tensor2D } from '../tf/types';

/**
 * matMul whose gradient uses explicit transposes and untransposed products.
 * tfjs-wasm runs matMul with transposeA/transposeB ~10-50x slower than a plain one
 * (design §6), and the default gradient of matMul uses exactly those.
 */
export type MatMul = (a: Tensor2D, b: Tensor2D) => Tensor2D;

export function fastMatMul(tf: TF): MatMul {
  const op = tf.customGrad((...args) => {
    const [a2, b2, save] = args as [Tensor2D, Tensor2D, (tensors: Tensor[]) => void];
    save([a2, b2]);
    return {
      value: tf.matMul(a2, b2),
      gradFunc: (dy, saved) => {
        const [sa, sb] = saved as Tensor2D[];
        const g = dy as Tensor2D;
        return [tf.matMul(g, tf.transpose(sb)), tf.matMul(tf.transpose(sa), g)];
      },
    };
  });
  return (a, b) => op(a, b) as Tensor2D;
}
