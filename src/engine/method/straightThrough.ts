import type { TF, Tensor } from '../tf/types';

/**
 * q + z - sg(z) for `collab.target: quantized` (design §4): the value is exactly q,
 * and the incoming gradient passes unchanged to q (the chosen codes) and, straight
 * through, to z (the encoder). tfjs has no stopGradient, so this is one custom op
 * rather than the literal sum, which would also round the value.
 */
export function straightThroughQuantized<T extends Tensor>(tf: TF, z: T, q: T): T {
  if (z.shape.length !== q.shape.length || z.shape.some((n, i) => n !== q.shape[i])) {
    throw new Error(`straightThroughQuantized: z [${z.shape}] and q [${q.shape}] differ in shape`);
  }
  const passThrough = tf.customGrad((...args) => {
    const quantized = args[1] as Tensor;
    return {
      value: quantized.clone(),
      gradFunc: (dy: Tensor) => [dy.clone(), dy.clone()],
    };
  });
  return passThrough(z, q) as T;
}
