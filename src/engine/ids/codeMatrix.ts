/**
 * Semantic-ID codes live in flat row-major Int32Arrays (items x levels): one
 * allocation for a million items instead of a million small arrays.
 */

/** Throws unless `rows` holds exactly `count` rows of `width` values. */
export function checkShape(rows: Int32Array, count: number, width: number, what = 'codes'): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`${what}: item count ${count} is not a non-negative integer`);
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`${what}: width ${width} must be a positive integer`);
  if (rows.length !== count * width) {
    throw new RangeError(`${what}: expected ${count} x ${width} = ${count * width} values, got ${rows.length}`);
  }
}

/** The first `keep` columns of each row (e.g. 3 of LETTER's 4 levels). */
export function leadingLevels(rows: Int32Array, count: number, width: number, keep: number): Int32Array {
  checkShape(rows, count, width);
  if (!Number.isInteger(keep) || keep < 1 || keep > width) throw new RangeError(`cannot keep ${keep} of ${width} levels`);
  if (keep === width) return rows.slice();
  const out = new Int32Array(count * keep);
  for (let i = 0; i < count; i++) out.set(rows.subarray(i * width, i * width + keep), i * keep);
  return out;
}

/** Codes then digit per item: the full semantic ID, L + 1 values a row. */
export function appendDigits(codes: Int32Array, digits: Int32Array, levels: number): Int32Array {
  const count = digits.length;
  checkShape(codes, count, levels);
  const width = levels + 1;
  const out = new Int32Array(count * width);
  for (let i = 0; i < count; i++) {
    out.set(codes.subarray(i * levels, (i + 1) * levels), i * width);
    out[i * width + levels] = digits[i];
  }
  return out;
}

/** Row `i` as a plain array (for JSON and messages). */
export function rowOf(rows: Int32Array, width: number, i: number): number[] {
  return Array.from(rows.subarray(i * width, (i + 1) * width));
}
