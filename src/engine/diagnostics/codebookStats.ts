import { appendDigits, checkShape } from '../ids/codeMatrix';
import { tupleGroups } from '../ids/tupleSort';

export { coherence, type CoherenceAtDepth } from './coherence';

/**
 * Codebook diagnostics over the final assignment of the whole catalog (design §3,
 * §4): the numbers `summary.json`, the `diagnostics` event and the README report.
 */
export interface CodebookStats {
  items: number;
  levels: number;
  codebookSizes: number[];
  /** Per level: used codes / K. */
  usage: number[];
  /** Per level: exp(entropy of the code frequencies), in 1..K. */
  perplexity: number[];
  /** Per level: Gini coefficient of the K code counts, unused codes as 0. */
  gini: number[];
  /** Per level: codes no catalog item is assigned to. */
  deadCodes: number[];
  /** Per level, items on each code (length K): the usage_snapshot heatmap data. */
  usageCounts: number[][];
  /** Distinct L-code tuples. */
  distinctTuples: number;
  /** 1 - distinct L-code tuples / items, before the digit (LETTER / LC-Rec). */
  collisionRate: number;
  /** Items in the largest group sharing one L-code tuple. */
  maxCollisions: number;
  /** Distinct full IDs (with the digit) / items; null when no digits were given. */
  uniqueSidRatio: number | null;
}

/**
 * `codes` is row-major items x levels with levels = codebookSizes.length. An empty
 * catalog gives zeros everywhere (nothing used, nothing collides).
 */
export function codebookStats(
  codes: Int32Array,
  items: number,
  codebookSizes: number[],
  digits?: Int32Array,
): CodebookStats {
  const levels = codebookSizes.length;
  checkShape(codes, items, levels);
  const usageCounts = codebookSizes.map((k, l) => {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`level ${l + 1}: codebook size ${k} must be a positive integer`);
    return new Array<number>(k).fill(0);
  });
  for (let i = 0; i < items; i++) {
    for (let l = 0; l < levels; l++) {
      const c = codes[i * levels + l];
      if (!(c >= 0 && c < codebookSizes[l])) {
        throw new RangeError(`item ${i}, level ${l + 1}: code ${c} is outside 0..${codebookSizes[l] - 1}`);
      }
      usageCounts[l][c]++;
    }
  }
  const { distinct, largest } = tupleGroups(codes, items, levels);
  let uniqueSidRatio: number | null = null;
  if (digits) {
    if (digits.length !== items) throw new RangeError(`digits: expected ${items}, got ${digits.length}`);
    uniqueSidRatio = items === 0 ? 1 : tupleGroups(appendDigits(codes, digits, levels), items, levels + 1).distinct / items;
  }
  return {
    items,
    levels,
    codebookSizes: codebookSizes.slice(),
    usage: usageCounts.map((counts) => counts.filter((n) => n > 0).length / counts.length),
    perplexity: usageCounts.map(perplexity),
    gini: usageCounts.map(gini),
    deadCodes: usageCounts.map((counts) => counts.filter((n) => n === 0).length),
    usageCounts,
    distinctTuples: distinct,
    collisionRate: items === 0 ? 0 : 1 - distinct / items,
    maxCollisions: largest,
    uniqueSidRatio,
  };
}

/** exp(-sum p ln p) over the codes' shares; 0 when nothing is counted. */
export function perplexity(counts: readonly number[]): number {
  let total = 0;
  for (const n of counts) total += n;
  if (total === 0) return 0;
  let entropy = 0;
  for (const n of counts) if (n > 0) entropy -= (n / total) * Math.log(n / total);
  return Math.exp(entropy);
}

/**
 * Gini coefficient of K values sorted ascending x_1..x_K:
 * G = 2 sum_i i x_i / (K sum x) - (K + 1) / K. 0 = perfectly even, (K-1)/K = all on
 * one code; 0 when nothing is counted.
 */
export function gini(counts: readonly number[]): number {
  const k = counts.length;
  const sorted = Float64Array.from(counts).sort();
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < k; i++) {
    total += sorted[i];
    weighted += (i + 1) * sorted[i];
  }
  if (total === 0) return 0;
  return (2 * weighted) / (k * total) - (k + 1) / k;
}
