/**
 * table[rows] with a gradient that scatters back in plain JavaScript where the backend
 * would be slow: tfjs-wasm has no UnsortedSegmentSum (gather's gradient), and the
 * one-hot product the RQ-VAE uses for its small codebooks costs n x K x d, far too
 * much for a 12,000-item SASRec table. The scatter reads dy once and adds each row
 * into its slot (n x d additions). Native and WebGL backends keep tf's own kernel.
 */
import type { TF, Tensor, Tensor1D, Tensor2D } from '../../tf/types';

export function gatherRowsScatterGrad(tf: TF, table: Tensor2D, rows: Int32Array): Tensor2D {
  const [count, width] = table.shape;
  const backend = tf.getBackend();
  const jsScatter = backend === 'wasm' || backend === 'cpu';
  const op = tf.customGrad((...args) => {
    const [t, save] = args as [Tensor2D, (tensors: Tensor[]) => void];
    const index = tf.tensor1d(rows, 'int32');
    save([index]);
    return {
      value: tf.gather(t, index),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        if (!jsScatter) return [tf.unsortedSegmentSum(dy as Tensor2D, saved[0] as Tensor1D, count)];
        const g = dy.dataSync() as Float32Array;
        const out = new Float32Array(count * width);
        for (let i = 0; i < rows.length; i++) {
          const to = rows[i] * width;
          const from = i * width;
          for (let j = 0; j < width; j++) out[to + j] += g[from + j];
        }
        return [tf.tensor2d(out, [count, width])];
      },
    };
  });
  return op(table) as Tensor2D;
}
