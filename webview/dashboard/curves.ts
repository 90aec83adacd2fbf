/**
 * Curves against step, one uPlot chart per group of series (CHART_GROUPS): every run
 * shown is overlaid in its stable colour; with one run, levels get their own colours,
 * with several, levels are told apart by dash. Smoothing draws the EMA over the raw
 * line drawn faint behind it. Cursors and x-zoom are shared by all charts (drag to
 * zoom, double-click to reset); the readout under each chart lists every run's value.
 * Live appends go into each chart's ChartTable (O(1) per point); the DrawScheduler
 * decides when each chart on screen redraws (one per frame, within a share of the thread).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartGroup, RunCurves } from '../../src/protocol';
import { CHART_GROUPS, levelOf, metricOf } from '../../src/protocol';
import { h, fmt } from './dom';
import { ChartTable, type ChartColumn, type ChartSource } from './chartTable';
import { DrawScheduler } from './drawScheduler';
import { isHighContrast, runColor, themeVar } from './theme';

export interface CurveOptions {
  smoothing: number;
  logY: boolean;
}

interface SeriesMeta {
  run: RunCurves;
  name: string;
  raw: boolean;
  color: string;
  label: string;
}

interface Chart {
  group: ChartGroup;
  card: HTMLElement;
  plot: uPlot;
  meta: SeriesMeta[];
  readout: HTMLElement;
  key: string;
  table: ChartTable;
  /** `dir|series` -> the table's source index. */
  sources: Map<string, number>;
  /** The step range last handed to uPlot (appends grow the arrays uPlot holds, so read it from here). */
  shown: { first: number; last: number } | null;
}

const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3], [10, 4], [4, 4], [3, 6]];

/** Series names of `run` drawn in `group`, in metric then level order. */
function seriesIn(group: ChartGroup, run: RunCurves): string[] {
  const names = Object.keys(run.series).filter((n) => group.metrics.includes(metricOf(n)));
  return names.sort((a, b) => group.metrics.indexOf(metricOf(a)) - group.metrics.indexOf(metricOf(b)) || (levelOf(a) ?? 0) - (levelOf(b) ?? 0));
}

function prettyName(name: string): string {
  const level = levelOf(name);
  const metric = metricOf(name);
  const base = metric === 'recon' ? 'reconstruction' : metric === 'collision_rate' ? 'collision rate' : metric;
  return level === null ? base : `${base} L${level}`;
}

export class CurvesView {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private charts: Chart[] = [];
  private curves: RunCurves[] = [];
  private options: CurveOptions;
  private syncing = false;
  /** A rebuild waiting for the next frame (a series no chart has yet arrived). */
  private rebuildFrame = 0;
  private readonly live = new DrawScheduler<Chart>((c) => this.drawAppended(c));
  private readonly resize: ResizeObserver;

  constructor(
    options: CurveOptions,
    private readonly exportPng: (name: string, dataUrl: string) => void,
  ) {
    this.options = options;
    this.grid = h('div', { class: 'chart-grid' });
    this.element = this.grid;
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.grid);
  }

  /** Number of charts drawn and of points across their series (for the rendered report). */
  get stats(): { charts: number; points: number } {
    let points = 0;
    for (const c of this.charts) points += c.table.points((i) => !c.meta[i].raw || this.options.smoothing === 0);
    return { charts: this.charts.length, points };
  }

  setCurves(curves: RunCurves[]): void {
    this.curves = curves;
    this.rebuild();
  }

  setOptions(options: CurveOptions): void {
    this.options = options;
    this.rebuild();
  }

  /**
   * New points of run `dir` (already pushed onto its RunCurves, which a rebuild reads):
   * appended to the charts' tables now; each chart they touch redraws when the
   * DrawScheduler says. A series no chart has yet (the first collaborative loss)
   * rebuilds the charts on the next frame.
   */
  append(dir: string, points: Record<string, { x: number[]; y: number[] }>): void {
    if (this.rebuildFrame) return;
    for (const name of Object.keys(points)) {
      const group = CHART_GROUPS.find((g) => g.metrics.includes(metricOf(name)));
      const drawn = this.curves.some((r) => r.dir === dir);
      if (group && drawn && !this.charts.some((c) => c.sources.has(`${dir}|${name}`))) {
        this.rebuildFrame = requestAnimationFrame(() => this.rebuild());
        return;
      }
    }
    for (const c of this.charts) {
      let touched = false;
      for (const [name, p] of Object.entries(points)) {
        const source = c.sources.get(`${dir}|${name}`);
        if (source === undefined) continue;
        c.table.append(source, p.x, p.y);
        touched = true;
      }
      if (touched) this.live.markDirty(c);
    }
  }

  private drawAppended(c: Chart): void {
    // Each chart rescales to its own data; shared zoom is for the user's drags, not for
    // live growth (it would redraw every chart once per chart).
    this.syncing = true;
    const zoomed = this.isZoomed(c);
    const data = c.table.data;
    // batch: uPlot draws now rather than in a microtask, inside the frame the scheduler times.
    c.plot.batch(() => c.plot.setData(data as uPlot.AlignedData, !zoomed));
    c.shown = data[0].length ? { first: data[0][0], last: data[0][data[0].length - 1] } : null;
    this.syncing = false;
  }

  /** Redraws with the theme's current colours. */
  rebuild(): void {
    if (this.rebuildFrame) cancelAnimationFrame(this.rebuildFrame);
    this.rebuildFrame = 0;
    for (const c of this.charts) c.plot.destroy();
    this.charts = [];
    this.grid.replaceChildren();
    for (const group of CHART_GROUPS) {
      const { meta, key } = this.seriesFor(group);
      if (meta.length === 0) continue;
      this.charts.push(this.chart(group, meta, key));
    }
    if (this.charts.length === 0) this.grid.append(h('p', { class: 'placeholder' }, 'No curves yet: losses arrive after the first steps.'));
    this.live.setItems(this.charts.map((c) => ({ item: c, element: c.card })));
  }

  private isZoomed(c: Chart): boolean {
    const { min, max } = c.plot.scales.x;
    if (!c.shown || min === undefined || max === undefined) return false;
    return min > c.shown.first || max < c.shown.last;
  }

  private seriesFor(group: ChartGroup): { meta: SeriesMeta[]; key: string } {
    const meta: SeriesMeta[] = [];
    const several = this.curves.length > 1;
    let k = 0;
    for (const run of this.curves) {
      for (const name of seriesIn(group, run)) {
        const color = several ? runColor(run.color) : runColor(k++);
        const label = several ? `${this.shortLabel(run)} · ${prettyName(name)}` : prettyName(name);
        if (this.options.smoothing > 0) meta.push({ run, name, raw: true, color, label });
        meta.push({ run, name, raw: false, color, label });
      }
    }
    return { meta, key: meta.map((m) => `${m.run.dir}|${m.name}|${m.raw}`).join(';') };
  }

  /** The chart's table: one source per (run, series), a column per drawn series. */
  private tableFor(group: ChartGroup, meta: SeriesMeta[]): { table: ChartTable; sources: Map<string, number> } {
    const sources = new Map<string, number>();
    const data: ChartSource[] = [];
    const layout: ChartColumn[] = meta.map((m) => {
      const id = `${m.run.dir}|${m.name}`;
      let source = sources.get(id);
      if (source === undefined) {
        source = data.length;
        sources.set(id, source);
        data.push(m.run.series[m.name]);
      }
      return { source, smoothed: !m.raw && this.options.smoothing > 0 };
    });
    const table = new ChartTable(data, layout, { smoothing: this.options.smoothing, positiveOnly: this.options.logY && !group.percent });
    return { table, sources };
  }

  private chart(group: ChartGroup, meta: SeriesMeta[], key: string): Chart {
    const title = h('h3', {}, group.title);
    const png = h('button', { type: 'button', class: 'icon-button', title: 'Export PNG' }, 'PNG');
    const readout = h('div', { class: 'readout' }, '\u00a0');
    const plotBox = h('div', { class: 'plot' });
    const card = h('section', { class: 'card chart-card', 'data-chart': group.id }, h('div', { class: 'chart-title' }, title, png), plotBox, readout);
    this.grid.append(card);
    const fg = themeVar('--vscode-descriptionForeground', '#888');
    const gridColor = themeVar('--vscode-editorWidget-border', themeVar('--vscode-panel-border', 'rgba(128,128,128,0.25)'));
    const hc = isHighContrast();
    const axis = (): uPlot.Axis => ({ stroke: fg, grid: { stroke: gridColor, width: 0.5 }, ticks: { stroke: gridColor, width: 0.5 }, font: `11px ${themeVar('--vscode-font-family', 'sans-serif')}` });
    const logY = this.options.logY && !group.percent;
    const opts: uPlot.Options = {
      width: Math.max(200, plotBox.clientWidth || 420),
      height: 200,
      legend: { show: false },
      cursor: { sync: { key: 'semid-curves', setSeries: false }, drag: { x: true, y: false }, points: { size: 6 } },
      scales: { x: { time: false }, y: logY ? { distr: 3 } : { auto: true } },
      axes: [
        // Steps are whole numbers: no 1.5 ticks on short runs.
        { ...axis(), label: undefined, values: (_u, ticks) => ticks.map((t) => (t !== null && t !== undefined && Number.isInteger(t) ? shortNumber(t) : '')) },
        {
          ...axis(),
          size: 56,
          values: (_u, ticks) => ticks.map((t) => (t === null || t === undefined ? '' : group.percent ? `${(100 * t).toFixed(t < 0.1 && t > 0 ? 1 : 0)}%` : shortNumber(t))),
        },
      ],
      series: [
        { label: 'step' },
        ...meta.map((m, i): uPlot.Series => ({
          label: m.label,
          stroke: m.raw ? withAlpha(m.color, hc ? 0.45 : 0.22) : m.color,
          width: m.raw ? 1 : hc ? 2 : 1.5,
          dash: this.curves.length > 1 ? DASHES[(levelOf(m.name) ?? 0) % DASHES.length] : undefined,
          spanGaps: true,
          points: { show: false },
          scale: 'y',
          value: (_u, v) => fmt(v),
          _index: i,
        } as uPlot.Series)),
      ],
      hooks: {
        setCursor: [(u) => this.showReadout(u, readout, meta, group)],
        setScale: [(u, scaleKey) => scaleKey === 'x' && this.syncZoom(u)],
      },
    };
    const { table, sources } = this.tableFor(group, meta);
    const data = table.data;
    const plot = new uPlot(opts, data as uPlot.AlignedData, plotBox);
    png.addEventListener('click', () => this.exportPng(group.id, chartPng(plot, group.title)));
    const shown = data[0].length ? { first: data[0][0], last: data[0][data[0].length - 1] } : null;
    return { group, card, plot, meta, readout, key, table, sources, shown };
  }

  private showReadout(u: uPlot, readout: HTMLElement, meta: SeriesMeta[], group: ChartGroup): void {
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined) {
      readout.textContent = '\u00a0';
      return;
    }
    const value = (i: number): string => {
      const v = nearest(u.data[i + 1] as (number | null)[], idx);
      return v === null ? '–' : group.percent ? `${(100 * v).toFixed(1)}%` : fmt(v);
    };
    const step = h('span', { class: 'readout-step' }, `step ${u.data[0][idx]}`);
    const shown = meta.map((m, i) => ({ m, i })).filter(({ m }) => !m.raw);
    if (this.curves.length <= 1) {
      readout.replaceChildren(
        step,
        ...shown.map(({ m, i }) => {
          const swatch = h('span', { class: 'swatch' });
          swatch.style.background = m.color;
          return h('span', { class: 'readout-item' }, swatch, `${m.label} `, h('b', {}, value(i)));
        }),
      );
      return;
    }
    // Several runs: a row per run, a column per series.
    const names = [...new Set(shown.map(({ m }) => m.name))];
    const rows = this.curves
      .filter((run) => shown.some(({ m }) => m.run === run))
      .map((run) => {
        const swatch = h('span', { class: 'swatch' });
        swatch.style.background = runColor(run.color);
        return h(
          'tr',
          {},
          h('th', {}, swatch, ` ${this.shortLabel(run)}`),
          ...names.map((name) => {
            const hit = shown.find(({ m }) => m.run === run && m.name === name);
            return h('td', { class: 'num' }, hit ? value(hit.i) : '–');
          }),
        );
      });
    readout.replaceChildren(
      h('table', { class: 'readout-table' }, h('thead', {}, h('tr', {}, h('th', {}, step), ...names.map((n) => h('th', { class: 'num' }, prettyName(n))))), h('tbody', {}, rows)),
    );
  }

  /** Run labels without the part every shown run shares (the experiment name). */
  private shortLabel(run: RunCurves): string {
    const parts = run.label.split(' · ');
    const shared = this.curves.every((c) => c.label.split(' · ')[0] === parts[0]);
    return shared && parts.length > 1 ? parts.slice(1).join(' · ') : run.label;
  }

  private syncZoom(source: uPlot): void {
    if (this.syncing) return;
    this.syncing = true;
    const { min, max } = source.scales.x;
    for (const c of this.charts) if (c.plot !== source && min !== undefined && max !== undefined) c.plot.setScale('x', { min, max });
    this.syncing = false;
  }

  private fit(): void {
    for (const c of this.charts) {
      const w = (c.card.querySelector('.plot') as HTMLElement).clientWidth;
      if (w > 0 && Math.abs(w - c.plot.width) > 2) c.plot.setSize({ width: w, height: 200 });
    }
  }
}

/** The value at `idx`, or the nearest non-null one within a few points (runs log at different steps). */
function nearest(y: (number | null)[], idx: number): number | null {
  for (let d = 0; d < 50; d++) {
    if (idx - d >= 0 && y[idx - d] !== null && y[idx - d] !== undefined) return y[idx - d];
    if (idx + d < y.length && y[idx + d] !== null && y[idx + d] !== undefined) return y[idx + d];
  }
  return null;
}

function shortNumber(t: number): string {
  const a = Math.abs(t);
  if (a >= 1e6) return `${(t / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(t / 1e3).toFixed(0)}k`;
  if (a >= 100) return t.toFixed(0);
  if (a >= 1 || a === 0) return String(Number(t.toPrecision(3)));
  return t.toPrecision(2);
}

function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** The chart on the editor's background with its title, as a PNG data URL. */
function chartPng(plot: uPlot, title: string): string {
  const src = plot.ctx.canvas;
  const pad = 28 * devicePixelRatio;
  const canvas = document.createElement('canvas');
  canvas.width = src.width;
  canvas.height = src.height + pad;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = themeVar('--vscode-editor-background', '#ffffff');
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = themeVar('--vscode-foreground', '#333');
  ctx.font = `${13 * devicePixelRatio}px ${themeVar('--vscode-font-family', 'sans-serif')}`;
  ctx.fillText(title, 8 * devicePixelRatio, 18 * devicePixelRatio);
  ctx.drawImage(src, 0, pad);
  return canvas.toDataURL('image/png');
}
