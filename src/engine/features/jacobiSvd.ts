/**
 * SVD of a small dense matrix by one-sided (Hestenes) Jacobi rotations: accurate even
 * for tiny singular values, and simple. Used on the l x l core of the randomized SVD.
 */
import { denseZeros, type DenseMatrix } from './dense';

export interface SmallSvd {
  /** m x k, orthonormal columns (a zero column where the singular value is 0). */
  u: DenseMatrix;
  /** k singular values, descending. */
  s: Float64Array;
  /** k x k orthogonal. */
  v: DenseMatrix;
}

const MAX_SWEEPS = 60;

/** A (m x k, m >= k) = U diag(s) V^T. */
export function jacobiSvd(a: DenseMatrix): SmallSvd {
  const m = a.rows;
  const k = a.cols;
  // Work on columns as contiguous rows: cols[j] = column j of A, rot[j] = column j of V.
  const cols: Float64Array[] = [];
  const rot: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const column = new Float64Array(m);
    for (let i = 0; i < m; i++) column[i] = a.data[i * k + j];
    cols.push(column);
    const e = new Float64Array(k);
    e[j] = 1;
    rot.push(e);
  }
  const eps = 1e-15;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const x = cols[p];
        const y = cols[q];
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += x[i] * x[i];
          beta += y[i] * y[i];
          gamma += x[i] * y[i];
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(x, y, c, s);
        rotate(rot[p], rot[q], c, s);
      }
    }
    if (!rotated) break;
  }

  const norms = cols.map((column) => Math.sqrt(column.reduce((sum, value) => sum + value * value, 0)));
  const order = Array.from({ length: k }, (_, j) => j).sort((i, j) => norms[j] - norms[i] || i - j);
  const u = denseZeros(m, k);
  const v = denseZeros(k, k);
  const s = new Float64Array(k);
  order.forEach((from, to) => {
    s[to] = norms[from];
    const inverse = norms[from] > 0 ? 1 / norms[from] : 0;
    for (let i = 0; i < m; i++) u.data[i * k + to] = cols[from][i] * inverse;
    for (let i = 0; i < k; i++) v.data[i * k + to] = rot[from][i];
  });
  return { u, s, v };
}

function rotate(x: Float64Array, y: Float64Array, c: number, s: number): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const yi = y[i];
    x[i] = c * xi - s * yi;
    y[i] = s * xi + c * yi;
  }
}
