import { checkShape } from './codeMatrix';

/**
 * Row positions ordered lexicographically by their tuples, ties in row (catalog)
 * order. LSD radix sort with one stable counting pass per column: O(count x width),
 * no string keys, so a million items sort in well under a second.
 */
export function sortByTuple(rows: Int32Array, count: number, width: number): Int32Array {
  checkShape(rows, count, width);
  let order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  let next = new Int32Array(count);
  // Counting arrays this large would cost more than a comparison sort would.
  const maxBucket = Math.max(1 << 20, 4 * count);
  for (let col = width - 1; col >= 0; col--) {
    let max = 0;
    for (let i = 0; i < count; i++) {
      const v = rows[i * width + col];
      if (v < 0) throw new RangeError(`row ${i}, column ${col}: negative code ${v}`);
      if (v > max) max = v;
    }
    if (max === 0) continue; // a constant column leaves the order as it is
    if (max + 1 > maxBucket) return comparisonSort(rows, count, width);
    const starts = new Int32Array(max + 2);
    for (let i = 0; i < count; i++) starts[rows[i * width + col] + 1]++;
    for (let v = 1; v <= max + 1; v++) starts[v] += starts[v - 1];
    for (let j = 0; j < count; j++) {
      const item = order[j];
      next[starts[rows[item * width + col]]++] = item;
    }
    const t = order;
    order = next;
    next = t;
  }
  return order;
}

/** Fallback for huge code values: a full-tuple comparison, index as the tie-break. */
function comparisonSort(rows: Int32Array, count: number, width: number): Int32Array {
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => compareRows(rows, width, a, b, width) || a - b);
  return Int32Array.from(order);
}

/** Lexicographic comparison of the first `depth` values of rows a and b. */
export function compareRows(rows: Int32Array, width: number, a: number, b: number, depth: number): number {
  const oa = a * width;
  const ob = b * width;
  for (let c = 0; c < depth; c++) {
    const d = rows[oa + c] - rows[ob + c];
    if (d !== 0) return d;
  }
  return 0;
}

/** Number of distinct tuples and the size of the largest group of equal ones. */
export function tupleGroups(rows: Int32Array, count: number, width: number): { distinct: number; largest: number } {
  const order = sortByTuple(rows, count, width);
  let distinct = 0;
  let largest = 0;
  let run = 0;
  for (let j = 0; j < count; j++) {
    if (j > 0 && compareRows(rows, width, order[j - 1], order[j], width) === 0) run++;
    else {
      distinct++;
      run = 1;
    }
    if (run > largest) largest = run;
  }
  return { distinct, largest };
}
