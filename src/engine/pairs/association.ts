/**
 * Association measures of an item pair from its 2x2 contingency table over contexts
 * (design §4 "Pairs"). N = contexts; n_a, n_b = contexts holding a, b;
 * k11 = contexts holding both; k12 = n_a - k11; k21 = n_b - k11;
 * k22 = N - k11 - k12 - k21. Logarithms are natural.
 *
 * The `...Counts` functions take plain numbers and never allocate or validate: the
 * miner calls them once per candidate pair. `scorePair` is the checked entry point.
 */
import type { PairCriterion } from '../config/experiment';

export interface ContingencyTable {
  /** Contexts holding both items. */
  k11: number;
  /** Contexts holding item a. */
  n_a: number;
  /** Contexts holding item b. */
  n_b: number;
  /** All contexts. */
  n: number;
}

/** x ln x with the limit 0 ln 0 = 0. */
export function xlogx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}

/** E11 = n_a n_b / N: the co-occurrence count expected if a and b were independent. */
export function expectedCooccurrence(na: number, nb: number, n: number): number {
  return (na * nb) / n;
}

/** Positive association, k11 > E11, compared without division (exact while N < 9e7: products < 2^53). */
export function isPositivelyAssociated(k11: number, na: number, nb: number, n: number): boolean {
  return k11 * n > na * nb;
}

/** PMI = ln(k11 N / (n_a n_b)); -Infinity when k11 = 0. */
export function pmiCounts(k11: number, na: number, nb: number, n: number): number {
  return Math.log((k11 * n) / (na * nb));
}

/**
 * NPMI = PMI / (-ln(k11 / N)), in [-1, 1]. Limits: 1 when k11 = N (the pair is in
 * every context; 0/0 otherwise), -1 when k11 = 0 (never together; Bouma 2009).
 */
export function npmiCounts(k11: number, na: number, nb: number, n: number): number {
  if (k11 >= n) return 1;
  if (k11 <= 0) return -1;
  return pmiCounts(k11, na, nb, n) / -Math.log(k11 / n);
}

/**
 * Dunning's G^2 = 2 sum_ij k_ij ln(k_ij / E_ij) of a 2x2 table given by its cells.
 * Computed as 2 (sum x ln x of cells - of row sums - of column sums + N ln N), which
 * needs no division by an expected count and handles empty cells (0 ln 0 = 0).
 * Rounding can leave a tiny negative for independent tables; it is clamped to 0.
 */
export function gSquaredCells(k11: number, k12: number, k21: number, k22: number): number {
  const n = k11 + k12 + k21 + k22;
  const cells = xlogx(k11) + xlogx(k12) + xlogx(k21) + xlogx(k22);
  const rows = xlogx(k11 + k12) + xlogx(k21 + k22);
  const cols = xlogx(k11 + k21) + xlogx(k12 + k22);
  const g2 = 2 * (cells - rows - cols + xlogx(n));
  return g2 > 0 ? g2 : 0;
}

/** G^2 from the margins (k11, n_a, n_b, N). */
export function gSquaredCounts(k11: number, na: number, nb: number, n: number): number {
  return gSquaredCells(k11, na - k11, nb - k11, n - na - nb + k11);
}

/**
 * The score a criterion ranks and thresholds pairs by: llr = G^2, npmi, pmi,
 * count = k11, none = k11 (no informativeness filter; pairs still rank by count when
 * `max_per_item` must choose).
 */
export function scoreCounts(criterion: PairCriterion, k11: number, na: number, nb: number, n: number): number {
  switch (criterion) {
    case 'llr':
      return gSquaredCounts(k11, na, nb, n);
    case 'npmi':
      return npmiCounts(k11, na, nb, n);
    case 'pmi':
      return pmiCounts(k11, na, nb, n);
    case 'count':
    case 'none':
      return k11;
  }
}

/** Throws a RangeError unless the table is a consistent set of non-negative integer counts. */
export function checkTable(t: ContingencyTable): void {
  const { k11, n_a, n_b, n } = t;
  const ints = [k11, n_a, n_b, n].every((v) => Number.isInteger(v) && v >= 0);
  if (!ints || k11 > n_a || k11 > n_b || n_a + n_b - k11 > n || n === 0) {
    throw new RangeError(`inconsistent contingency table k11=${k11} n_a=${n_a} n_b=${n_b} N=${n}`);
  }
}

/** The criterion's score of one pair (checked). */
export function scorePair(criterion: PairCriterion, table: ContingencyTable): number {
  checkTable(table);
  return scoreCounts(criterion, table.k11, table.n_a, table.n_b, table.n);
}
