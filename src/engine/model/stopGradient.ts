import type { TF, Tensor } from '../tf/types';

/**
 * sg(x) of design §4: the value of x, no gradient. tfjs has no stopGradient op; a
 * custom op with a zero gradient does it, and costs one add where the tape
 * accumulates x's gradient (gradients are summed per tensor before flowing on).
 */
export function stopGradient<T extends Tensor>(tf: TF, x: T): T {
  const op = tf.customGrad((...args) => {
    const input = args[0] as Tensor;
    return { value: input.clone(), gradFunc: (dy: Tensor) => tf.zerosLike(dy) };
  });
  return op(x) as T;
}
