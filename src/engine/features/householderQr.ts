/**
 * Thin QR by Householder reflections: A (n x k, n >= k) = Q R with Q (n x k) having
 * orthonormal columns, R (k x k) upper triangular. Backward stable, and a zero or
 * dependent column only gives a zero on R's diagonal: Q stays orthonormal, which the
 * randomized SVD needs when the sample has more columns than the matrix has rank.
 */
import { denseZeros, type DenseMatrix } from './dense';

export interface ThinQr {
  q: DenseMatrix;
  r: DenseMatrix;
}

export function householderQr(a: DenseMatrix): ThinQr {
  const n = a.rows;
  const k = a.cols;
  if (n < k) throw new Error(`householderQr: needs rows >= cols, got ${n}x${k}`);
  const work = new Float64Array(a.data);
  const vectors: Float64Array[] = []; // v_j with v_j[0] = 1, covering rows j..n-1
  const taus = new Float64Array(k);
  const r = denseZeros(k, k);
  const w = new Float64Array(k);

  for (let j = 0; j < k; j++) {
    let tailSquares = 0;
    for (let i = j + 1; i < n; i++) tailSquares += work[i * k + j] ** 2;
    const head = work[j * k + j];
    const v = new Float64Array(n - j);
    v[0] = 1;
    if (tailSquares === 0) {
      // Already upper triangular in this column: H = I.
      taus[j] = 0;
      r.data[j * k + j] = head;
    } else {
      const norm = Math.sqrt(head * head + tailSquares);
      const beta = head >= 0 ? -norm : norm;
      taus[j] = (beta - head) / beta;
      const scale = 1 / (head - beta);
      for (let i = j + 1; i < n; i++) v[i - j] = work[i * k + j] * scale;
      r.data[j * k + j] = beta;
      applyReflector(work, k, j, j + 1, v, taus[j], w);
    }
    for (let c = j + 1; c < k; c++) r.data[j * k + c] = work[j * k + c];
    vectors.push(v);
  }

  // Q = H_0 H_1 ... H_{k-1} [I; 0], applied right to left.
  const q = denseZeros(n, k);
  for (let j = 0; j < k; j++) q.data[j * k + j] = 1;
  for (let j = k - 1; j >= 0; j--) {
    if (taus[j] !== 0) applyReflector(q.data, k, j, j, vectors[j], taus[j], w);
  }
  return { q, r };
}

/** M[j:, c0:] -= tau v (v^T M[j:, c0:]) on a row-major matrix with `cols` columns. */
function applyReflector(
  m: Float64Array,
  cols: number,
  j: number,
  c0: number,
  v: Float64Array,
  tau: number,
  w: Float64Array,
): void {
  const rows = j + v.length;
  w.fill(0, c0, cols);
  for (let i = j; i < rows; i++) {
    const vi = v[i - j];
    if (vi === 0) continue;
    const o = i * cols;
    for (let c = c0; c < cols; c++) w[c] += vi * m[o + c];
  }
  for (let i = j; i < rows; i++) {
    const f = tau * v[i - j];
    if (f === 0) continue;
    const o = i * cols;
    for (let c = c0; c < cols; c++) m[o + c] -= f * w[c];
  }
}
