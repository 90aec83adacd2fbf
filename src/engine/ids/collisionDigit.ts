import { checkShape } from './codeMatrix';
import { compareRows, sortByTuple } from './tupleSort';

/**
 * The collision digit (design §4): items sharing an L-code tuple get 0, 1, 2, ... in
 * catalog order as digit L+1, so every full semantic ID is unique.
 * `codes` is row-major items x levels.
 */
export function assignCollisionDigits(codes: Int32Array, items: number, levels: number): Int32Array {
  checkShape(codes, items, levels);
  const order = sortByTuple(codes, items, levels); // stable: ties stay in catalog order
  const digits = new Int32Array(items);
  for (let j = 1; j < items; j++) {
    const item = order[j];
    const prev = order[j - 1];
    if (compareRows(codes, levels, prev, item, levels) === 0) digits[item] = digits[prev] + 1;
  }
  return digits;
}

/** A run's existing IDs, as `readSemanticIds` returns them. */
export interface ExistingIds {
  codes: Int32Array;
  digits: Int32Array;
  levels: number;
}

/**
 * Digits for new items (`semid ids --items`): each new item gets the next free digit
 * after the run's existing IDs with the same tuple (their largest digit + 1, so an
 * existing ID is never reused), new items among themselves in the order given.
 * `newCodes` is row-major (new items) x existing.levels.
 */
export function extendCollisionDigits(existing: ExistingIds, newCodes: Int32Array): Int32Array {
  const { levels } = existing;
  const old = existing.digits.length;
  checkShape(existing.codes, old, levels, 'existing codes');
  if (newCodes.length % levels !== 0) {
    throw new RangeError(`new codes: ${newCodes.length} values is not a whole number of ${levels}-level rows`);
  }
  const fresh = newCodes.length / levels;
  const all = new Int32Array(existing.codes.length + newCodes.length);
  all.set(existing.codes, 0);
  all.set(newCodes, existing.codes.length);
  const order = sortByTuple(all, old + fresh, levels);
  const digits = new Int32Array(fresh);
  // Within a run of equal tuples the existing items come first (stable sort, lower
  // positions), so `nextFree` is final by the time the first new item is reached.
  let nextFree = 0;
  for (let j = 0; j < order.length; j++) {
    const row = order[j];
    if (j === 0 || compareRows(all, levels, order[j - 1], row, levels) !== 0) nextFree = 0;
    if (row < old) {
      const d = existing.digits[row];
      if (d < 0) throw new RangeError(`existing item ${row}: negative digit ${d}`);
      nextFree = Math.max(nextFree, d + 1);
    } else {
      digits[row - old] = nextFree++;
    }
  }
  return digits;
}
