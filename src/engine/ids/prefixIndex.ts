import { appendDigits, rowOf } from './codeMatrix';
import { parsePrefix } from '../../protocol/sidText';
import { sortByTuple } from './tupleSort';

export { parsePrefix, formatSid, PrefixSyntaxError } from '../../protocol/sidText';

/**
 * Lookup of items by leading codes of their full IDs (L codes + digit). Items are
 * kept sorted by ID, so every prefix is one contiguous range found by binary search:
 * memory is two Int32Arrays, queries are O(log n + answer).
 */
export class PrefixIndex {
  readonly items: number;
  readonly levels: number;
  /** Full ID length: levels + 1. */
  readonly width: number;
  private readonly full: Int32Array;
  /** Item positions sorted by full ID. */
  private readonly order: Int32Array;
  /** rank[item] = its position in `order`. */
  private readonly rank: Int32Array;

  constructor(codes: Int32Array, digits: Int32Array, levels: number) {
    this.items = digits.length;
    this.levels = levels;
    this.width = levels + 1;
    this.full = appendDigits(codes, digits, levels);
    this.order = sortByTuple(this.full, this.items, this.width);
    this.rank = new Int32Array(this.items);
    for (let j = 0; j < this.items; j++) this.rank[this.order[j]] = j;
  }

  /** The item's full ID: L codes then the collision digit. */
  fullId(item: number): number[] {
    this.checkItem(item);
    return rowOf(this.full, this.width, item);
  }

  /** Items whose IDs start with `prefix`, in ID order. An empty prefix is every item. */
  itemsWithPrefix(prefix: readonly number[]): number[] {
    const [lo, hi] = this.range(prefix);
    return Array.from(this.order.subarray(lo, hi));
  }

  countWithPrefix(prefix: readonly number[]): number {
    const [lo, hi] = this.range(prefix);
    return hi - lo;
  }

  /** Other items sharing the item's first `depth` codes (depth 0..L+1), in ID order. */
  siblings(item: number, depth: number): number[] {
    this.checkItem(item);
    if (!Number.isInteger(depth) || depth < 0 || depth > this.width) {
      throw new RangeError(`depth ${depth} is outside 0..${this.width}`);
    }
    return this.itemsWithPrefix(this.fullId(item).slice(0, depth)).filter((i) => i !== item);
  }

  /**
   * The distinct next codes under `prefix` with how many items carry each, in code
   * order (the explorer's tree): one pass over the prefix's contiguous range.
   */
  childCounts(prefix: readonly number[]): { code: number; count: number }[] {
    const depth = prefix.length;
    if (depth >= this.width) return [];
    const [lo, hi] = this.range(prefix);
    const out: { code: number; count: number }[] = [];
    for (let j = lo; j < hi; j++) {
      const code = this.full[this.order[j] * this.width + depth];
      const last = out[out.length - 1];
      if (last && last.code === code) last.count++;
      else out.push({ code, count: 1 });
    }
    return out;
  }

  /** The code of `item` at position `depth` (0-based; `levels` is the digit). */
  codeAt(item: number, depth: number): number {
    return this.full[item * this.width + depth];
  }

  /** `parsePrefix` that also rejects prefixes longer than this run's IDs. */
  parsePrefix(text: string): number[] {
    return parsePrefix(text, this.width);
  }

  /** [lo, hi) positions in `order` whose IDs start with `prefix`. */
  private range(prefix: readonly number[]): [number, number] {
    const depth = prefix.length;
    if (depth > this.width) throw new RangeError(`prefix of ${depth} codes is longer than the IDs (${this.width})`);
    const lo = this.lowerBound(prefix, false);
    const hi = this.lowerBound(prefix, true);
    return [lo, hi];
  }

  /** First position whose ID prefix is >= `prefix` (or > it, when `strict`). */
  private lowerBound(prefix: readonly number[], strict: boolean): number {
    let lo = 0;
    let hi = this.items;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.comparePrefix(this.order[mid], prefix);
      if (c < 0 || (strict && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private comparePrefix(item: number, prefix: readonly number[]): number {
    const off = item * this.width;
    for (let c = 0; c < prefix.length; c++) {
      const d = this.full[off + c] - prefix[c];
      if (d !== 0) return d;
    }
    return 0;
  }

  private checkItem(item: number): void {
    if (!Number.isInteger(item) || item < 0 || item >= this.items) throw new RangeError(`item ${item} is outside 0..${this.items - 1}`);
  }
}
