/**
 * `features.method: tfidf-svd`: item vectors for catalogs that come without embeddings.
 * Text -> tf-idf (tfidf.ts) -> column-centred randomized SVD (randomizedSvd.ts) -> item
 * coordinates U S, plus a small sketch of what the SVD leaves out, rows L2-normalised.
 */
import type { Catalog, EmbeddingMatrix } from '../data/types';
import { Random } from '../util/random';
import { catalogTokens } from './itemTokens';
import { drain, drainCancellable, svdPasses, type LinearOperator } from './randomizedSvd';
import type { Cancellation } from '../util/cancellation';
import { denseZeros, subtractProduct, transposeTimes, type DenseMatrix } from './dense';
import { csrColumnMeans, csrTimesDense, csrTransposeTimesDense, type CsrMatrix } from './sparse';
import { buildTfidf } from './tfidf';

export interface FeaturizeOptions {
  textFields: string[];
  dim: number;
  seed: number;
  /** Receives what was fitted, so the featurizer can be exported (semid export). */
  onFitted?: (fitted: FittedTfidfSvd) => void;
}

/**
 * The fitted featurizer: row = normalise((tfidf(tokens) - mean) · projection), where
 * projection = [V | s (G - V VᵀG)] (vocabulary x (rank + residualColumns)) is the
 * linear map the steps below apply (computed here in another order, so a re-featurized
 * row can differ from the engine's in the last float32 bit).
 */
export interface FittedTfidfSvd {
  vocabulary: string[];
  idf: Float64Array;
  mean: Float64Array;
  /** Row-major vocabulary x columns. */
  projection: Float64Array;
  columns: number;
  rank: number;
  residualColumns: number;
}

export interface FeaturizeResult {
  matrix: EmbeddingMatrix;
  /** Distinct tokens (tf-idf columns). */
  vocabulary: number;
  /** Items with no token in any text field; they all get the same vector. */
  emptyItems: number;
}

/**
 * Share of the output given to the residual sketch: one column in 16 (at least one).
 * Truncation keeps the directions many items share, so two texts that differ only in
 * rare tokens (a shade name, a model number) can land a hair apart. The sketch columns
 * hold a Gaussian random projection of each item's residual (its tf-idf row minus its
 * projection on the kept subspace): two different rows differ in the kept coordinates
 * or in the residual, and a random projection of a non-zero residual difference is
 * non-zero (with probability 1, and with its length roughly kept, by
 * Johnson-Lindenstrauss), so different token sets always get different vectors.
 */
const RESIDUAL_COLUMN_SHARE = 16;
/**
 * Weight of the residual sketch against the SVD coordinates. On Beauty (dim 256): with
 * 0 the closest two different texts are 7e-7 apart (a collision in float32 terms); 0.1
 * puts them >= 0.028 apart while same-category cosine drops only from 0.60 to 0.59
 * (0.25: 0.065 apart, but 0.54).
 */
const RESIDUAL_WEIGHT = 0.1;

/**
 * Item vectors, `dim` columns, row i = catalog item i, each row of unit length.
 * When dim >= min(items, vocabulary) the SVD keeps every direction (nothing is lost, so
 * no residual sketch) and the columns past that rank are zero.
 * Deterministic: the same catalog, options and seed give byte-identical output.
 */
export function featurizeCatalog(catalog: Catalog, opts: FeaturizeOptions): FeaturizeResult {
  return drain(featurizePasses(catalog, opts));
}

/** featurizeCatalog that lets a stop request in between its passes (RunStopped): 200k items take minutes. */
export function featurizeCatalogCancellable(catalog: Catalog, opts: FeaturizeOptions, cancel: Cancellation): Promise<FeaturizeResult> {
  return drainCancellable(featurizePasses(catalog, opts), cancel);
}

/** Rows between two pauses of the last pass. */
const ROWS_PER_PAUSE = 4096;

function* featurizePasses(catalog: Catalog, opts: FeaturizeOptions): Generator<void, FeaturizeResult> {
  const { dim, seed } = opts;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`featurizeCatalog: dim must be a positive integer, got ${dim}`);
  const tokens = catalogTokens(catalog, opts.textFields);
  yield;
  const emptyItems = tokens.filter((list) => list.length === 0).length;
  const fitted = buildTfidf(tokens);
  const tfidf = fitted.matrix;
  yield;
  const n = tfidf.rows;
  const out = new Float32Array(n * dim);
  const result = (): FeaturizeResult => ({ matrix: { rows: n, dim, data: out }, vocabulary: tfidf.cols, emptyItems });
  if (n === 0 || tfidf.cols === 0) return result();

  const maxRank = Math.min(n, tfidf.cols);
  const lossless = dim >= maxRank;
  const residualColumns = lossless ? 0 : Math.max(1, Math.floor(dim / RESIDUAL_COLUMN_SHARE));
  const rank = lossless ? maxRank : dim - residualColumns;

  const random = Random.derive(seed, 'text-svd');
  const mean = csrColumnMeans(tfidf);
  const centred = centredOperator(tfidf, mean);
  const { v } = yield* svdPasses(centred, rank, random, { computeU: false });
  // Coordinates by projecting each row on V (= U S): identical rows give identical bits.
  const coords = centred.times(v);
  yield;

  // (A_c - A_c V V^T) G = A_c G - coords (V^T G), G Gaussian (vocabulary x residualColumns).
  const gaussian = denseZeros(tfidf.cols, residualColumns);
  for (let i = 0; i < gaussian.data.length; i++) gaussian.data[i] = random.normal();
  const residual = centred.times(gaussian);
  subtractProduct(residual, coords, transposeTimes(v, gaussian));
  yield;

  const residualScale = RESIDUAL_WEIGHT / Math.sqrt(Math.max(1, residualColumns));
  if (opts.onFitted) opts.onFitted({ ...projectionOf(v, gaussian, residualScale), vocabulary: fitted.vocabulary, idf: fitted.idf, mean, rank, residualColumns });
  const row = new Float64Array(rank + residualColumns);
  for (let i = 0; i < n; i++) {
    if (i % ROWS_PER_PAUSE === ROWS_PER_PAUSE - 1) yield;
    for (let c = 0; c < rank; c++) row[c] = coords.data[i * rank + c];
    for (let c = 0; c < residualColumns; c++) row[rank + c] = residualScale * residual.data[i * residualColumns + c];
    let squares = 0;
    for (let c = 0; c < row.length; c++) squares += row[c] * row[c];
    // A zero row only happens when every item has the same text: leave it zero.
    const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    for (let c = 0; c < row.length; c++) out[i * dim + c] = row[c] * scale;
  }
  return result();
}

/** A - 1 mean^T without forming it: products of the sparse part minus a rank-one term. */
function centredOperator(a: CsrMatrix, mean: Float64Array): LinearOperator {
  return {
    rows: a.rows,
    cols: a.cols,
    times(x: DenseMatrix): DenseMatrix {
      const y = csrTimesDense(a, x);
      const shift = new Float64Array(x.cols); // mean^T X
      for (let j = 0; j < x.rows; j++) {
        const mj = mean[j];
        if (mj === 0) continue;
        for (let c = 0; c < x.cols; c++) shift[c] += mj * x.data[j * x.cols + c];
      }
      for (let i = 0; i < y.rows; i++) for (let c = 0; c < y.cols; c++) y.data[i * y.cols + c] -= shift[c];
      return y;
    },
    transposeTimes(y: DenseMatrix): DenseMatrix {
      const z = csrTransposeTimesDense(a, y);
      const sums = new Float64Array(y.cols); // 1^T Y
      for (let i = 0; i < y.rows; i++) for (let c = 0; c < y.cols; c++) sums[c] += y.data[i * y.cols + c];
      for (let j = 0; j < z.rows; j++) {
        const mj = mean[j];
        if (mj === 0) continue;
        for (let c = 0; c < z.cols; c++) z.data[j * z.cols + c] -= mj * sums[c];
      }
      return z;
    },
  };
}

/** [V | s (G - V VᵀG)], row-major, in float64. */
function projectionOf(v: DenseMatrix, gaussian: DenseMatrix, scale: number): { projection: Float64Array; columns: number } {
  const rank = v.cols;
  const extra = gaussian.cols;
  const columns = rank + extra;
  const vtg = transposeTimes(v, gaussian);
  const projection = new Float64Array(v.rows * columns);
  for (let j = 0; j < v.rows; j++) {
    for (let c = 0; c < rank; c++) projection[j * columns + c] = v.data[j * rank + c];
    for (let c = 0; c < extra; c++) {
      let vv = 0;
      for (let q = 0; q < rank; q++) vv += v.data[j * rank + q] * vtg.data[q * extra + c];
      projection[j * columns + rank + c] = scale * (gaussian.data[j * extra + c] - vv);
    }
  }
  return { projection, columns };
}
