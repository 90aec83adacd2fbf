/**
 * Collaborative input features (`features.fuse: [cooccurrence]`): each item's row of
 * the positive-PMI matrix of the kept collaborative pairs, reduced by a truncated SVD.
 *
 * M is the symmetric pair-count matrix, M_ab = M_ba = k11 of each kept pair (a != b).
 * With row sums m_a and total S = sum_a m_a, PPMI_ab = max(0, ln(M_ab S / (m_a m_b)))
 * (the word-vector PPMI of Levy & Goldberg, over the pairs that passed the
 * informativeness filter). The diagonal is set to each row's largest value: with a zero
 * diagonal, a strongly linked pair a-b forms a block [[0, p], [p, 0]] whose eigenvector
 * (1, -1) has singular value p, and the SVD would push the two items APART along it;
 * as "an item co-occurs with itself at least as strongly as with anything", the block
 * becomes [[p, p], [p, p]] and the pair shares its direction. PPMI ~ U diag(s) V^T; an item's vector is its row of
 * U diag(sqrt s) (the symmetric split of the singular values), L2-normalised. Items
 * without a kept pair get a zero row: they have nothing to say, and new items at
 * `semid ids` time get zeros too, so the encoder sees them alike.
 */
import type { EmbeddingMatrix } from '../data/types';
import type { Random } from '../util/random';
import { randomizedSvd, type LinearOperator } from './randomizedSvd';
import { csrTimesDense, type CsrMatrix } from './sparse';

/** The kept pairs (pairs/minePairs.ts MinedPairs fits). */
export interface CooccurrencePairs {
  a: Int32Array;
  b: Int32Array;
  k11: Int32Array;
}

export interface CooccurrenceFeatures {
  /** items x dim; zero rows for items without pairs. */
  matrix: EmbeddingMatrix;
  /** Items with at least one kept pair (a non-zero row). */
  itemsWithPairs: number;
  /** SVD components actually computed: min(dim, itemsWithPairs); the rest of each row is 0. */
  rank: number;
}

/**
 * PPMI of the kept pairs over the items that have any, as a symmetric CSR matrix in a
 * compact index (`items[i]` is the catalog index of row i).
 */
export function ppmiMatrix(pairs: CooccurrencePairs, itemCount: number): { csr: CsrMatrix; items: Int32Array } {
  const compact = new Int32Array(itemCount).fill(-1);
  const items: number[] = [];
  const rowSum = new Float64Array(itemCount);
  for (let p = 0; p < pairs.a.length; p++) {
    const a = pairs.a[p];
    const b = pairs.b[p];
    if (a === b) continue;
    for (const x of [a, b]) if (compact[x] < 0) compact[x] = items.push(x) - 1;
    rowSum[a] += pairs.k11[p];
    rowSum[b] += pairs.k11[p];
  }
  let total = 0;
  for (let i = 0; i < itemCount; i++) total += rowSum[i];
  const n = items.length;

  // Both directions of every pair, bucketed by row, plus the diagonal.
  const count = new Int32Array(n + 1);
  const diagonal = new Float64Array(n);
  const ppmi = new Float64Array(pairs.a.length);
  for (let p = 0; p < pairs.a.length; p++) {
    const a = pairs.a[p];
    const b = pairs.b[p];
    if (a === b) continue;
    ppmi[p] = Math.max(0, Math.log((pairs.k11[p] * total) / (rowSum[a] * rowSum[b])));
    if (ppmi[p] > 0) {
      count[compact[a] + 1]++;
      count[compact[b] + 1]++;
      diagonal[compact[a]] = Math.max(diagonal[compact[a]], ppmi[p]);
      diagonal[compact[b]] = Math.max(diagonal[compact[b]], ppmi[p]);
    }
  }
  for (let i = 0; i < n; i++) if (diagonal[i] > 0) count[i + 1]++;
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const rowStart = Int32Array.from(count);
  const fill = Int32Array.from(count.subarray(0, n));
  const colIndex = new Int32Array(rowStart[n]);
  const values = new Float64Array(rowStart[n]);
  for (let i = 0; i < n; i++) {
    if (!(diagonal[i] > 0)) continue;
    colIndex[fill[i]] = i;
    values[fill[i]++] = diagonal[i];
  }
  for (let p = 0; p < pairs.a.length; p++) {
    if (!(ppmi[p] > 0)) continue;
    const ca = compact[pairs.a[p]];
    const cb = compact[pairs.b[p]];
    colIndex[fill[ca]] = cb;
    values[fill[ca]++] = ppmi[p];
    colIndex[fill[cb]] = ca;
    values[fill[cb]++] = ppmi[p];
  }
  sortRows(rowStart, colIndex, values);
  return { csr: { rows: n, cols: n, rowStart, colIndex, values }, items: Int32Array.from(items) };
}

/** Column indices ascending within each row (the CSR contract). */
function sortRows(rowStart: Int32Array, colIndex: Int32Array, values: Float64Array): void {
  for (let i = 0; i + 1 < rowStart.length; i++) {
    const start = rowStart[i];
    const end = rowStart[i + 1];
    const order = Array.from({ length: end - start }, (_, k) => start + k).sort((x, y) => colIndex[x] - colIndex[y]);
    const cols = order.map((k) => colIndex[k]);
    const vals = order.map((k) => values[k]);
    colIndex.set(cols, start);
    values.set(vals, start);
  }
}

/** `dim`-wide co-occurrence vectors for `itemCount` items from the kept pairs. */
export function cooccurrenceFeatures(pairs: CooccurrencePairs, itemCount: number, dim: number, random: Random): CooccurrenceFeatures {
  const out = new Float32Array(itemCount * dim);
  const { csr, items } = ppmiMatrix(pairs, itemCount);
  const n = items.length;
  const rank = Math.min(dim, n);
  if (rank === 0 || csr.values.length === 0) return { matrix: { rows: itemCount, dim, data: out }, itemsWithPairs: 0, rank: 0 };
  // PPMI is symmetric, so A^T Y = A Y.
  const op: LinearOperator = { rows: n, cols: n, times: (x) => csrTimesDense(csr, x), transposeTimes: (y) => csrTimesDense(csr, y) };
  const svd = randomizedSvd(op, rank, random, { computeU: true });
  const u = svd.u;
  if (u === null) throw new Error('cooccurrenceFeatures: the SVD returned no U');
  const scale = Array.from(svd.s, (s) => Math.sqrt(s));
  let withPairs = 0;
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let c = 0; c < rank; c++) norm += (u.data[i * rank + c] * scale[c]) ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 0)) continue;
    withPairs++;
    const row = items[i] * dim;
    for (let c = 0; c < rank; c++) out[row + c] = (u.data[i * rank + c] * scale[c]) / norm;
  }
  return { matrix: { rows: itemCount, dim, data: out }, itemsWithPairs: withPairs, rank };
}
