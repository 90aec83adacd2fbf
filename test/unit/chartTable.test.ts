/**
 * The dashboard's live chart table (webview/dashboard/chartTable.ts): points appended
 * one at a time give the same columns as a table built from the whole series (raw and
 * smoothed, one run or two runs at different steps), smoothing is TensorBoard's
 * debiased EMA, and a long live tail is re-bucketed keeping each bucket's extremes
 * and the ends while the smoothed curve carries on over every point.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChartTable, LIVE_ROW_LIMIT, type ChartColumn, type ChartSource } from '../../webview/dashboard/chartTable';

/** A deterministic wiggly curve: no randomness needed to exercise minima and maxima. */
const curve = (i: number, phase: number): number => 1 + Math.sin(i * 0.37 + phase) * Math.exp(-i / 500) + 0.1 * Math.cos(i * 1.3);

function series(steps: number[], phase: number): ChartSource {
  return { x: steps, y: steps.map((s) => curve(s, phase)) };
}

function close(a: readonly (number | null)[], b: readonly (number | null)[], what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === null || b[i] === null) assert.equal(a[i], b[i], `${what}[${i}]`);
    else assert.ok(Math.abs((a[i] as number) - (b[i] as number)) < 1e-9, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

describe('live chart table', () => {
  const layout: ChartColumn[] = [
    { source: 0, smoothed: false },
    { source: 0, smoothed: true },
    { source: 1, smoothed: false },
    { source: 1, smoothed: true },
  ];
  const options = { smoothing: 0.6, positiveOnly: false };

  it('appending step by step equals building at once (one run, a losses event per step)', () => {
    const steps = Array.from({ length: 300 }, (_, i) => 10 * (i + 1));
    const full = [series(steps, 0), series(steps, 1)];
    const live = new ChartTable([{ x: steps.slice(0, 100), y: full[0].y.slice(0, 100) }, { x: steps.slice(0, 100), y: full[1].y.slice(0, 100) }], layout, options);
    for (let i = 100; i < steps.length; i++) {
      live.append(0, [steps[i]], [full[0].y[i]]);
      live.append(1, [steps[i]], [full[1].y[i]]);
    }
    const built = new ChartTable(full, layout, options);
    assert.deepEqual(live.x, built.x);
    built.columns.forEach((col, c) => close(live.columns[c], col, `column ${c}`));
    assert.equal(live.points(() => true), built.points(() => true));
  });

  it('an overlaid run behind the others lands in its rows (two runs, different steps)', () => {
    const a = Array.from({ length: 200 }, (_, i) => 2 * i);
    const b = Array.from({ length: 120 }, (_, i) => 3 * i + 1);
    const full = [series(a, 0), series(b, 2)];
    const live = new ChartTable([{ x: a.slice(0, 150), y: full[0].y.slice(0, 150) }, { x: b.slice(0, 10), y: full[1].y.slice(0, 10) }], layout, options);
    // Interleaved as two live runs would report: the slower run's steps fall inside the table.
    for (let i = 10, j = 150; i < b.length || j < a.length; i++, j++) {
      if (i < b.length) live.append(1, [b[i]], [full[1].y[i]]);
      if (j < a.length) live.append(0, [a[j]], [full[0].y[j]]);
    }
    const built = new ChartTable(full, layout, options);
    assert.deepEqual(live.x, built.x);
    built.columns.forEach((col, c) => close(live.columns[c], col, `column ${c}`));
  });

  it('many interleaved points in batches, the slower run starting empty, equal building at once', () => {
    const a = Array.from({ length: 900 }, (_, i) => 2 * i);
    const b = Array.from({ length: 500 }, (_, i) => 3 * i + 1);
    const full = [series(a, 1), series(b, 3)];
    const live = new ChartTable([{ x: a.slice(0, 300), y: full[0].y.slice(0, 300) }, { x: [], y: [] }], layout, options);
    // Batches of several points; the slower run's first points all land behind the table's end.
    for (let i = 0, j = 300; i < b.length || j < a.length; i += 7, j += 5) {
      if (i < b.length) live.append(1, b.slice(i, i + 7), full[1].y.slice(i, i + 7));
      if (j < a.length) live.append(0, a.slice(j, j + 5), full[0].y.slice(j, j + 5));
    }
    const built = new ChartTable(full, layout, options);
    assert.deepEqual(live.x, built.x);
    built.columns.forEach((col, c) => close(live.columns[c], col, `column ${c}`));
  });

  it("smoothing is TensorBoard's debiased EMA; a log axis turns values <= 0 into gaps", () => {
    const t = new ChartTable([{ x: [1, 2, 3, 4], y: [1, 2, 3, -1] }], [{ source: 0, smoothed: false }, { source: 0, smoothed: true }], { smoothing: 0.5, positiveOnly: true });
    close(t.columns[0], [1, 2, 3, null], 'raw');
    close(t.columns[1], [1, 1.25 / 0.75, 2.125 / 0.875, null], 'smoothed');
    t.append(0, [5], [4]);
    close(t.columns[1].slice(4), [(2.125 * 0.5 + 2) / (1 - 0.5 ** 4)], 'carried on');
  });

  it('a long live tail is re-bucketed: rows stay bounded, extremes and ends survive, the EMA covers every point', () => {
    const t = new ChartTable([series([1, 2, 3, 4], 0), series([1, 2, 3, 4], 1)], layout, options);
    const w = options.smoothing;
    let ema = 0;
    let decay = 1;
    const ys: number[] = [];
    for (let s = 1; s <= 4; s++) {
      ema = ema * w + (1 - w) * curve(s, 0);
      decay *= w;
    }
    const n = 3 * LIVE_ROW_LIMIT;
    for (let s = 5; s <= n; s++) {
      const y = curve(s, 0) + (s === 20_000 ? 50 : 0) - (s === 31_337 ? 50 : 0);
      ys.push(y);
      t.append(0, [s], [y]);
      t.append(1, [s], [curve(s, 1)]);
      ema = ema * w + (1 - w) * y;
      decay *= w;
      assert.ok(t.x.length <= LIVE_ROW_LIMIT, `rows ${t.x.length} at step ${s}`);
    }
    assert.ok(t.compactions >= 2, `re-bucketed ${t.compactions} times`);
    assert.equal(t.x[0], 1, 'first step kept');
    assert.equal(t.x[t.x.length - 1], n, 'last step kept');
    const raw = t.columns[0].filter((v): v is number => v !== null);
    assert.equal(Math.max(...raw), Math.max(...ys), 'the spike up survives');
    assert.equal(Math.min(...raw), Math.min(...ys), 'the spike down survives');
    assert.ok(t.x.includes(20_000) && t.x.includes(31_337), 'at their steps');
    for (let r = 1; r < t.x.length; r++) assert.ok(t.x[r] > t.x[r - 1], 'steps ascending');
    const smoothed = t.columns[1][t.columns[1].length - 1] as number;
    assert.ok(Math.abs(smoothed - ema / (1 - decay)) < 1e-9, 'the smoothed curve is the EMA over every point, not over the kept ones');
  });
});
