/**
 * One chart's data as uPlot wants it (a shared step column, one value column per
 * drawn series, null for gaps), kept up to date by appends in O(1) per point: live
 * points are pushed onto the arrays uPlot already holds, the smoothed columns carry
 * their EMA state forward instead of re-smoothing the series, and a long live tail
 * is re-bucketed (first, minimum, maximum and last point of each source per bucket,
 * as the host's snapshot downsampling keeps) once it doubles the table, so the cost
 * of a redraw stays bounded during a long run.
 */

/** One series of one run feeding the chart (its points in step order). */
export interface ChartSource {
  x: readonly number[];
  y: readonly number[];
}

/** A drawn column: a source's values, raw or smoothed. */
export interface ChartColumn {
  source: number;
  smoothed: boolean;
}

export interface ChartTableOptions {
  /** EMA weight in [0, 1): 0 draws the values as they are. */
  smoothing: number;
  /** Values <= 0 become gaps (a log axis cannot draw them). */
  positiveOnly: boolean;
}

/** Rows a table may hold before its live tail is re-bucketed (unless the snapshot itself is larger). */
export const LIVE_ROW_LIMIT = 16_000;

interface Ema {
  last: number;
  /** weight^n after n points: the debiasing factor, kept instead of a pow per point. */
  decay: number;
}

export class ChartTable {
  x: number[] = [];
  columns: (number | null)[][];
  /** Non-null values per column (for the rendered report, without a scan). */
  private readonly filled: number[];
  private readonly ema: Ema[];
  private readonly limit: number;
  /** Rows appended since the table was built or last re-bucketed. */
  appendedRows = 0;
  compactions = 0;

  constructor(
    sources: readonly ChartSource[],
    readonly layout: readonly ChartColumn[],
    readonly options: ChartTableOptions,
  ) {
    this.columns = layout.map(() => []);
    this.filled = layout.map(() => 0);
    this.ema = layout.map(() => ({ last: 0, decay: 1 }));
    this.build(sources);
    this.limit = Math.max(LIVE_ROW_LIMIT, 2 * this.x.length);
  }

  /** [x, ...columns], the arrays themselves (uPlot reads them; appends grow them in place). */
  get data(): [number[], ...(number | null)[][]] {
    return [this.x, ...this.columns];
  }

  /** Points drawn in the columns that `include` selects. */
  points(include: (column: number) => boolean): number {
    let n = 0;
    for (let i = 0; i < this.layout.length; i++) if (include(i)) n += this.filled[i];
    return n;
  }

  /**
   * New points of `source` (steps ascending). Steps after the last row are pushed;
   * an earlier step (an overlaid run behind the others) lands in its row, inserted
   * when new, and that source's smoothed columns are recomputed once, from the
   * earliest row touched (a run just behind the others costs the rows after it).
   */
  append(source: number, xs: readonly number[], ys: readonly number[]): void {
    let touched = Infinity;
    for (let k = 0; k < xs.length; k++) {
      const step = xs[k];
      const value = this.accept(ys[k]);
      const n = this.x.length;
      if (n === 0 || step > this.x[n - 1]) {
        this.x.push(step);
        for (const col of this.columns) col.push(null);
        this.appendedRows++;
        this.setLast(source, value);
      } else if (step === this.x[n - 1] && this.lastIsGap(source)) {
        // Another series of the same logged step (a losses event fills every level's row).
        this.setLast(source, value);
      } else touched = Math.min(touched, this.insert(source, step, value));
    }
    if (touched < Infinity) this.resmooth(source, touched);
    if (this.x.length > this.limit) this.compact();
  }

  /** Whether `source` has no value in the last row yet. */
  private lastIsGap(source: number): boolean {
    const last = this.x.length - 1;
    for (let i = 0; i < this.layout.length; i++) if (this.layout[i].source === source && this.columns[i][last] !== null) return false;
    return true;
  }

  /** Fills `source`'s columns in the last row: O(1), the EMA carried on. */
  private setLast(source: number, value: number | null): void {
    if (value === null) return;
    const last = this.x.length - 1;
    for (let i = 0; i < this.layout.length; i++) {
      if (this.layout[i].source !== source) continue;
      this.columns[i][last] = this.next(i, value);
      this.filled[i]++;
    }
  }

  /** A point at or before the last row's step (an overlaid run behind the others, a repeated step); returns its row, whose smoothing the caller redoes. */
  private insert(source: number, step: number, value: number | null): number {
    const row = lowerBound(this.x, step);
    if (this.x[row] !== step) {
      this.x.splice(row, 0, step);
      for (const col of this.columns) col.splice(row, 0, null);
      this.appendedRows++;
    }
    for (let i = 0; i < this.layout.length; i++) {
      const c = this.layout[i];
      if (c.source !== source || c.smoothed) continue;
      const before = this.columns[i][row];
      this.columns[i][row] = value;
      this.filled[i] += (value !== null ? 1 : 0) - (before !== null ? 1 : 0);
    }
    return row;
  }

  private accept(v: number): number | null {
    if (!Number.isFinite(v)) return null;
    return this.options.positiveOnly && !(v > 0) ? null : v;
  }

  /** The value column `i` shows for a new raw `value` (its EMA when smoothed). */
  private next(i: number, value: number | null): number | null {
    if (value === null || !this.layout[i].smoothed) return value;
    const w = this.options.smoothing;
    const e = this.ema[i];
    e.last = e.last * w + (1 - w) * value;
    e.decay *= w;
    // Debiased like TensorBoard's: the first points are not pulled towards zero.
    return e.last / (1 - e.decay);
  }

  private build(sources: readonly ChartSource[]): void {
    // The union of the sources' steps, then each column filled by a merge walk.
    let steps: number[];
    if (sources.length === 1) steps = Array.from(sources[0].x);
    else {
      const all = new Float64Array(sources.reduce((n, s) => n + s.x.length, 0));
      let o = 0;
      for (const s of sources) for (let k = 0; k < s.x.length; k++) all[o++] = s.x[k];
      all.sort();
      steps = [];
      for (let k = 0; k < all.length; k++) if (k === 0 || all[k] !== all[k - 1]) steps.push(all[k]);
    }
    this.x = steps;
    for (let i = 0; i < this.layout.length; i++) {
      const s = sources[this.layout[i].source];
      // Pushed, not `new Array(n)`: V8 keeps a large preallocated array in slow dictionary mode.
      const col: (number | null)[] = [];
      let k = 0;
      for (let r = 0; r < steps.length; r++) {
        while (k < s.x.length && s.x[k] < steps[r]) k++;
        const v = k < s.x.length && s.x[k] === steps[r] ? this.next(i, this.accept(s.y[k])) : null;
        col.push(v);
        if (v !== null) this.filled[i]++;
      }
      this.columns[i] = col;
    }
  }

  /** Smoothed columns of `source` recomputed from row `from` on (after points landed mid-table): O(rows after `from`). */
  private resmooth(source: number, from: number): void {
    const rawIndex = this.layout.findIndex((d) => d.source === source && !d.smoothed);
    const raw = this.columns[rawIndex];
    if (!raw) return;
    let after = 0;
    for (let r = from; r < raw.length; r++) if (raw[r] !== null) after++;
    const before = this.filled[rawIndex] - after;
    for (let i = 0; i < this.layout.length; i++) {
      const c = this.layout[i];
      if (c.source !== source || !c.smoothed) continue;
      const col = this.columns[i];
      // The EMA state before `from`, from what the table holds there (the rows drawn,
      // re-bucketed or not): the last smoothed value and weight^(points before).
      let p = from - 1;
      while (p >= 0 && col[p] === null) p--;
      const decay = this.options.smoothing ** before;
      this.ema[i] = p < 0 || before === 0 ? { last: 0, decay: 1 } : { last: (col[p] as number) * (1 - decay), decay };
      for (let r = from; r < col.length; r++) col[r] = raw[r] === null ? null : this.next(i, raw[r]);
      this.filled[i] = before + after;
    }
  }

  /**
   * Re-buckets the table to about half the limit: per bucket of consecutive rows, the
   * first and last rows and, for each raw column, the rows of its minimum and maximum.
   */
  private compact(): void {
    const n = this.x.length;
    const raw = this.layout.map((c, i) => (c.smoothed ? -1 : i)).filter((i) => i >= 0);
    const perBucket = 2 + 2 * Math.max(1, raw.length);
    const buckets = Math.max(1, Math.floor(this.limit / 2 / perBucket));
    const keep: number[] = [];
    for (let b = 0; b < buckets; b++) {
      const lo = Math.floor((b * n) / buckets);
      const hi = Math.floor(((b + 1) * n) / buckets);
      if (hi <= lo) continue;
      const rows = [lo, hi - 1];
      for (const i of raw) {
        const col = this.columns[i];
        let min = -1;
        let max = -1;
        for (let r = lo; r < hi; r++) {
          const v = col[r];
          if (v === null) continue;
          if (min < 0 || v < (col[min] as number)) min = r;
          if (max < 0 || v > (col[max] as number)) max = r;
        }
        if (min >= 0) rows.push(min, max);
      }
      rows.sort((a, b) => a - b);
      for (let k = 0; k < rows.length; k++) if (k === 0 || rows[k] !== rows[k - 1]) keep.push(rows[k]);
    }
    this.x = keep.map((r) => this.x[r]);
    this.columns = this.columns.map((col) => keep.map((r) => col[r]));
    this.layout.forEach((_, i) => {
      let f = 0;
      for (const v of this.columns[i]) if (v !== null) f++;
      this.filled[i] = f;
    });
    this.appendedRows = 0;
    this.compactions++;
  }
}

/** The first index whose step is >= `step` (x ascending). */
function lowerBound(x: readonly number[], step: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
