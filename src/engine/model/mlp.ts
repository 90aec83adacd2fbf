import type { TF, Tensor2D, Variable } from '../tf/types';
import type { Random } from '../util/random';
import type { MatMul } from './fastMatMul';

/** A stack of dense layers, ReLU between them, linear output. */
export interface Mlp {
  weights: Variable[];
  biases: Variable[];
}

/** Sizes [in, h1, ..., out]; He-uniform weights drawn from `random`, zero biases. */
export function createMlp(tf: TF, sizes: number[], random: Random): Mlp {
  const weights: Variable[] = [];
  const biases: Variable[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const fanIn = sizes[i];
    const fanOut = sizes[i + 1];
    const limit = Math.sqrt(6 / fanIn);
    const w = new Float32Array(fanIn * fanOut);
    for (let j = 0; j < w.length; j++) w[j] = (random.next() * 2 - 1) * limit;
    weights.push(tf.variable(tf.tensor2d(w, [fanIn, fanOut])));
    biases.push(tf.variable(tf.zeros([fanOut])));
  }
  return { weights, biases };
}

export function mlpForward(tf: TF, mlp: Mlp, x: Tensor2D, matMul: MatMul): Tensor2D {
  let h = x;
  const last = mlp.weights.length - 1;
  for (let i = 0; i <= last; i++) {
    const y = tf.add(matMul(h, mlp.weights[i] as Tensor2D), mlp.biases[i]) as Tensor2D;
    h = i < last ? tf.relu(y) : y;
  }
  return h;
}
