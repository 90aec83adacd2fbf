/**
 * Token lists -> tf-idf rows: sublinear tf (1 + ln tf), smooth idf
 * (ln((1 + n) / (1 + df)) + 1), each non-empty row L2-normalised, stored as CSR.
 *
 * Every token is kept, singletons included: dropping tokens seen in one item only
 * would give items whose texts differ only in such tokens (colour names, model
 * numbers) identical rows, and the featurizer promises different vectors for
 * different token sets. Singletons cost little: they barely move the SVD, and the
 * residual sketch (featurize.ts) is what keeps them apart.
 */
import type { CsrMatrix } from './sparse';

export interface TfidfResult {
  matrix: CsrMatrix;
  /** Column j's token, in first-seen order. */
  vocabulary: string[];
  idf: Float64Array;
}

export function buildTfidf(documents: readonly (readonly string[])[]): TfidfResult {
  const columnOf = new Map<string, number>();
  const vocabulary: string[] = [];
  const df: number[] = [];
  // Per document: distinct columns with their counts, columns ascending.
  const docColumns: Int32Array[] = [];
  const docCounts: Int32Array[] = [];
  for (const tokens of documents) {
    const counts = new Map<number, number>();
    for (const token of tokens) {
      let column = columnOf.get(token);
      if (column === undefined) {
        column = vocabulary.length;
        columnOf.set(token, column);
        vocabulary.push(token);
        df.push(0);
      }
      counts.set(column, (counts.get(column) ?? 0) + 1);
    }
    const columns = Int32Array.from(counts.keys()).sort();
    for (const column of columns) df[column]++;
    docColumns.push(columns);
    docCounts.push(Int32Array.from(columns, (column) => counts.get(column) ?? 0));
  }

  const n = documents.length;
  const idf = Float64Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1);
  const rowStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + docColumns[i].length;
  const colIndex = new Int32Array(rowStart[n]);
  const values = new Float64Array(rowStart[n]);
  for (let i = 0; i < n; i++) {
    const start = rowStart[i];
    let squares = 0;
    for (let q = 0; q < docColumns[i].length; q++) {
      const column = docColumns[i][q];
      const weight = (1 + Math.log(docCounts[i][q])) * idf[column];
      colIndex[start + q] = column;
      values[start + q] = weight;
      squares += weight * weight;
    }
    const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    for (let p = start; p < rowStart[i + 1]; p++) values[p] *= scale;
  }
  return { matrix: { rows: n, cols: vocabulary.length, rowStart, colIndex, values }, vocabulary, idf };
}
