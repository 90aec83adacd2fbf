/** Compressed sparse rows with typed arrays, and the two products the randomized SVD needs. */
import { denseZeros, type DenseMatrix } from './dense';

export interface CsrMatrix {
  rows: number;
  cols: number;
  /** Row i holds entries rowStart[i] .. rowStart[i+1]-1, column indices ascending. */
  rowStart: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
}

/** A (rows x cols, sparse) times X (cols x k, dense) -> rows x k. */
export function csrTimesDense(a: CsrMatrix, x: DenseMatrix): DenseMatrix {
  if (x.rows !== a.cols) throw new Error(`csrTimesDense: ${a.rows}x${a.cols} times ${x.rows}x${x.cols}`);
  const k = x.cols;
  const out = denseZeros(a.rows, k);
  const xd = x.data;
  const od = out.data;
  for (let i = 0; i < a.rows; i++) {
    const o = i * k;
    for (let p = a.rowStart[i]; p < a.rowStart[i + 1]; p++) {
      const v = a.values[p];
      const xo = a.colIndex[p] * k;
      for (let c = 0; c < k; c++) od[o + c] += v * xd[xo + c];
    }
  }
  return out;
}

/** A^T (cols x rows) times Y (rows x k, dense) -> cols x k. */
export function csrTransposeTimesDense(a: CsrMatrix, y: DenseMatrix): DenseMatrix {
  if (y.rows !== a.rows) throw new Error(`csrTransposeTimesDense: (${a.rows}x${a.cols})^T times ${y.rows}x${y.cols}`);
  const k = y.cols;
  const out = denseZeros(a.cols, k);
  const yd = y.data;
  const od = out.data;
  for (let i = 0; i < a.rows; i++) {
    const yo = i * k;
    for (let p = a.rowStart[i]; p < a.rowStart[i + 1]; p++) {
      const v = a.values[p];
      const o = a.colIndex[p] * k;
      for (let c = 0; c < k; c++) od[o + c] += v * yd[yo + c];
    }
  }
  return out;
}

/** Column means of a sparse matrix (length cols). */
export function csrColumnMeans(a: CsrMatrix): Float64Array {
  const mean = new Float64Array(a.cols);
  for (let p = 0; p < a.rowStart[a.rows]; p++) mean[a.colIndex[p]] += a.values[p];
  for (let j = 0; j < a.cols; j++) mean[j] /= a.rows;
  return mean;
}
