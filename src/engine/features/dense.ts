/**
 * Row-major Float64 dense matrices and the few products the featurizer needs, written
 * so the inner loops run over contiguous memory (V8 does not vectorise; cache does).
 */

export interface DenseMatrix {
  rows: number;
  cols: number;
  /** Row-major: element (i, j) is data[i * cols + j]. */
  data: Float64Array;
}

export function denseZeros(rows: number, cols: number): DenseMatrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** X (n x l) times the first `k` columns of Y (l x l'). */
export function timesLeadingColumns(x: DenseMatrix, y: DenseMatrix, k: number): DenseMatrix {
  if (y.rows !== x.cols || k > y.cols) throw new Error(`timesLeadingColumns: ${x.rows}x${x.cols} times ${y.rows}x${y.cols}[:${k}]`);
  const out = denseZeros(x.rows, k);
  const od = out.data;
  const xd = x.data;
  const yd = y.data;
  const l = x.cols;
  const yCols = y.cols;
  for (let i = 0; i < x.rows; i++) {
    const o = i * k;
    for (let t = 0; t < l; t++) {
      const xv = xd[i * l + t];
      if (xv === 0) continue;
      const yo = t * yCols;
      for (let c = 0; c < k; c++) od[o + c] += xv * yd[yo + c];
    }
  }
  return out;
}

/** X^T Y for X (n x a), Y (n x b). */
export function transposeTimes(x: DenseMatrix, y: DenseMatrix): DenseMatrix {
  if (x.rows !== y.rows) throw new Error(`transposeTimes: (${x.rows}x${x.cols})^T times ${y.rows}x${y.cols}`);
  const a = x.cols;
  const b = y.cols;
  const out = denseZeros(a, b);
  const od = out.data;
  const xd = x.data;
  const yd = y.data;
  for (let i = 0; i < x.rows; i++) {
    for (let p = 0; p < a; p++) {
      const xv = xd[i * a + p];
      if (xv === 0) continue;
      const o = p * b;
      const yo = i * b;
      for (let c = 0; c < b; c++) od[o + c] += xv * yd[yo + c];
    }
  }
  return out;
}

/** target -= X Y. */
export function subtractProduct(target: DenseMatrix, x: DenseMatrix, y: DenseMatrix): void {
  if (target.rows !== x.rows || x.cols !== y.rows || target.cols !== y.cols) throw new Error('subtractProduct: shapes differ');
  const td = target.data;
  const xd = x.data;
  const yd = y.data;
  const l = x.cols;
  const b = y.cols;
  for (let i = 0; i < x.rows; i++) {
    for (let p = 0; p < l; p++) {
      const xv = xd[i * l + p];
      if (xv === 0) continue;
      const yo = p * b;
      const o = i * b;
      for (let c = 0; c < b; c++) td[o + c] -= xv * yd[yo + c];
    }
  }
}

const GRAM_BLOCK = 64;

/**
 * A^T A (k x k, symmetric, both triangles filled). Rows go through in blocks that are
 * transposed first, so each entry is a contiguous dot product over the block and the
 * k x k result is touched once per block instead of once per row.
 */
export function gram(a: DenseMatrix): DenseMatrix {
  const n = a.rows;
  const k = a.cols;
  const ad = a.data;
  const out = denseZeros(k, k);
  const od = out.data;
  const block = new Float64Array(k * GRAM_BLOCK); // column p of the block at p * GRAM_BLOCK
  for (let start = 0; start < n; start += GRAM_BLOCK) {
    const size = Math.min(GRAM_BLOCK, n - start);
    if (size < GRAM_BLOCK) block.fill(0);
    for (let r = 0; r < size; r++) {
      const o = (start + r) * k;
      for (let p = 0; p < k; p++) block[p * GRAM_BLOCK + r] = ad[o + p];
    }
    for (let p = 0; p < k; p++) {
      const po = p * GRAM_BLOCK;
      for (let c = p; c < k; c++) {
        const co = c * GRAM_BLOCK;
        let sum = 0;
        for (let r = 0; r < size; r++) sum += block[po + r] * block[co + r];
        od[p * k + c] += sum;
      }
    }
  }
  for (let p = 0; p < k; p++) for (let c = p + 1; c < k; c++) od[c * k + p] = od[p * k + c];
  return out;
}
