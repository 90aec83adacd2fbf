/**
 * table[rows] done in plain JavaScript where the backend is slow at it, both ways:
 * tfjs-wasm has no UnsortedSegmentSum (gather's gradient), the one-hot product the
 * RQ-VAE uses for its small codebooks costs n x K x d, far too much for a 12,000-item
 * SASRec table, and its GatherV2 walks every element through stride arithmetic
 * (10 ms CPU for 2,560 rows of 128 here, against ~1 ms for a row-wise copy). The
 * gradient reads dy once and adds each row into its slot (n x d additions). Native
 * and WebGL backends keep tf's own kernels.
 */
import type { TF, Tensor, Tensor1D, Tensor2D } from '../../tf/types';

function jsRows(tf: TF): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

/** Rows of a [count, width] table by index, copied row by row. */
function copyRows(values: ArrayLike<number> & { subarray?: unknown }, width: number, rows: Int32Array): Float32Array {
  const src = values as Float32Array;
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(src.subarray(rows[i] * width, rows[i] * width + width), i * width);
  return out;
}

export function gatherRowsScatterGrad(tf: TF, table: Tensor2D, rows: Int32Array): Tensor2D {
  const [count, width] = table.shape;
  const js = jsRows(tf);
  const op = tf.customGrad((...args) => {
    const [t, save] = args as [Tensor2D, (tensors: Tensor[]) => void];
    if (js) {
      save([]);
      return {
        value: tf.tensor2d(copyRows(t.dataSync() as Float32Array, width, rows), [rows.length, width]),
        gradFunc: (dy: Tensor) => {
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
    }
    const index = tf.tensor1d(rows, 'int32');
    save([index]);
    return {
      value: tf.gather(t, index),
      gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.unsortedSegmentSum(dy as Tensor2D, saved[0] as Tensor1D, count)],
    };
  });
  return op(table) as Tensor2D;
}

/** table[rows] without a gradient (decoding). */
export function gatherRows(tf: TF, table: Tensor2D, rows: Int32Array): Tensor2D {
  if (!jsRows(tf)) return tf.tidy(() => tf.gather(table, tf.tensor1d(rows, 'int32')));
  return tf.tensor2d(copyRows(table.dataSync() as Float32Array, table.shape[1], rows), [rows.length, table.shape[1]]);
}
