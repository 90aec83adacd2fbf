/**
 * Codebook heatmaps on canvas: level x code (items per code, log colour scale, dead
 * codes in the theme's error colour, codes named by dead-code events marked above
 * their row) and, for one level, epoch x code from the usage snapshots. One pixel per
 * cell is painted into an offscreen canvas and scaled without smoothing, so K = 4096
 * costs one drawImage. Hover names the code, its items and share, and a few titles;
 * a click asks the host to open the explorer there.
 */
import type { CellItems, CodebookUsage, DeadCodesEvent } from '../../src/protocol';
import { h } from './dom';
import { parseColor, themeVar, viridis } from './theme';

export interface HeatmapHandlers {
  requestItems(level: number, code: number): number;
  openExplorer(level: number, code: number): void;
}

interface Grid {
  /** rows x cols counts, row-major. */
  rows: number;
  cols: number;
  values: (row: number, col: number) => number | undefined;
  rowLabel: (row: number) => string;
  /** Which codebook level a row is (level view: the row; over-time view: the chosen level). */
  levelOf: (row: number) => number;
}

const LABEL_WIDTH = 64;

export class HeatmapView {
  readonly element: HTMLElement;
  private usage: CodebookUsage | null = null;
  private dead: DeadCodesEvent[] = [];
  private level = 0;
  private readonly main: HeatCanvas;
  private readonly overTime: HeatCanvas;
  private readonly levelButtons: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly timeCaption: HTMLElement;
  private readonly legend: HTMLElement;

  constructor(
    handlers: HeatmapHandlers,
    level: number,
    private readonly onLevel: (level: number) => void,
  ) {
    this.level = level;
    this.caption = h('span', { class: 'caption' });
    this.timeCaption = h('span', { class: 'caption' });
    this.legend = h('div', { class: 'legend' });
    this.levelButtons = h('div', { class: 'segmented' });
    this.main = new HeatCanvas(handlers, 'levels');
    this.overTime = new HeatCanvas(handlers, 'time');
    this.element = h(
      'div',
      { class: 'heatmaps' },
      h('section', { class: 'card' }, h('h3', {}, 'Items per code, by level ', this.caption), this.main.element, this.legend),
      h('section', { class: 'card' }, h('div', { class: 'chart-title' }, h('h3', {}, 'Usage over epochs ', this.timeCaption), this.levelButtons), this.overTime.element),
    );
    new ResizeObserver(() => this.draw()).observe(this.element);
  }

  get cells(): number {
    return this.usage?.counts.reduce((n, row) => n + row.length, 0) ?? 0;
  }

  set(usage: CodebookUsage | null, dead: DeadCodesEvent[]): void {
    this.usage = usage;
    this.dead = dead;
    this.draw();
  }

  private draw(): void {
    const u = this.usage;
    if (!u) {
      this.main.empty('No codebook usage yet: the first usage snapshot comes at the end of the first epoch.');
      this.overTime.empty('');
      this.legend.replaceChildren();
      this.levelButtons.replaceChildren();
      return;
    }
    const levels = u.counts.length;
    if (this.level >= levels) this.level = 0;
    const max = Math.max(1, ...u.counts.map((row) => Math.max(0, ...row)));
    const cols = Math.max(...u.counts.map((row) => row.length));
    const deadCount = u.counts.reduce((n, row) => n + row.filter((c) => c === 0).length, 0);
    this.caption.textContent =
      u.source === 'snapshot'
        ? `epoch ${(u.epoch ?? 0) + 1}, step ${u.step} · ${u.items} items · ${deadCount} dead codes over ${levels} levels`
        : `final IDs · ${u.items} items · ${deadCount} dead codes over ${levels} levels`;
    // Codes named by the newest dead-code event of each level: marked above the row.
    const marks = new Map<number, { codes: Set<number>; action: string }>();
    for (const e of this.dead) marks.set(e.level, { codes: new Set(e.codes), action: e.action });
    this.main.draw(
      {
        rows: levels,
        cols,
        values: (r, c) => u.counts[r][c],
        rowLabel: (r) => `L${r} · ${u.counts[r].length}`,
        levelOf: (r) => r,
      },
      max,
      u.items,
      marks,
    );
    this.legend.replaceChildren(...legend(max));
    this.levelButtons.replaceChildren(
      ...u.counts.map((_, l) => {
        const b = h('button', { type: 'button', class: l === this.level ? 'segment selected' : 'segment' }, `L${l}`);
        b.addEventListener('click', () => {
          this.level = l;
          this.onLevel(l);
          this.draw();
        });
        return b;
      }),
    );
    const history = u.history;
    if (history.length === 0) {
      this.timeCaption.textContent = '';
      this.overTime.empty(
        u.source === 'ids'
          ? 'No usage snapshots in this run: only the final usage (above) is known.'
          : 'Usage snapshots arrive once per epoch.',
      );
      return;
    }
    const level = this.level;
    const tmax = Math.max(1, ...history.map((s) => Math.max(0, ...(s.counts[level] ?? [0]))));
    this.timeCaption.textContent = `level ${level}, ${history.length} epochs`;
    this.overTime.draw(
      {
        rows: history.length,
        cols: history[0].counts[level]?.length ?? 0,
        values: (r, c) => history[r].counts[level]?.[c],
        rowLabel: (r) => `ep ${history[r].epoch + 1}`,
        levelOf: () => level,
      },
      tmax,
      u.items,
      new Map(),
    );
  }

  /** The host's answer to a hover: titles under the cell. */
  showItems(items: CellItems): void {
    this.main.showItems(items);
    this.overTime.showItems(items);
  }
}

function legend(max: number): Node[] {
  const bar = h('canvas', { class: 'legend-bar', width: '160', height: '10' });
  const ctx = bar.getContext('2d')!;
  for (let x = 0; x < 160; x++) {
    const [r, g, b] = viridis(x / 159);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(x, 0, 1, 10);
  }
  const dead = h('span', { class: 'swatch dead-swatch' });
  const mark = h('span', { class: 'swatch mark-swatch' });
  return [
    h('span', {}, '1'),
    bar,
    h('span', {}, `${max} items (log scale)`),
    h('span', { class: 'legend-gap' }),
    dead,
    h('span', {}, 'dead (0 items)'),
    mark,
    h('span', {}, 'named by the latest dead-code event'),
  ];
}

class HeatCanvas {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLElement;
  private readonly note: HTMLElement;
  private grid: Grid | null = null;
  private total = 1;
  private pendingRequest = -1;
  private hover: { row: number; col: number } | null = null;
  private rowHeight = 20;

  constructor(
    private readonly handlers: HeatmapHandlers,
    kind: string,
  ) {
    this.canvas = h('canvas', { class: 'heatmap', 'data-heatmap': kind });
    this.tip = h('div', { class: 'tooltip', hidden: '' });
    this.note = h('p', { class: 'placeholder' });
    this.element = h('div', { class: 'heat-wrap' }, this.canvas, this.tip, this.note);
    this.canvas.addEventListener('mousemove', (e) => this.onMove(e));
    this.canvas.addEventListener('mouseleave', () => {
      this.tip.hidden = true;
      this.hover = null;
    });
    this.canvas.addEventListener('click', (e) => {
      const cell = this.cellAt(e);
      if (cell && this.grid) this.handlers.openExplorer(this.grid.levelOf(cell.row), cell.col);
    });
  }

  empty(message: string): void {
    this.grid = null;
    this.canvas.hidden = true;
    this.note.textContent = message;
    this.note.hidden = message === '';
  }

  draw(grid: Grid, max: number, total: number, marks: Map<number, { codes: Set<number>; action: string }>): void {
    this.grid = grid;
    this.total = Math.max(1, total);
    this.canvas.hidden = false;
    this.note.hidden = true;
    const width = Math.max(200, this.element.clientWidth || 600);
    this.rowHeight = grid.rows <= 8 ? 22 : Math.max(3, Math.min(14, Math.floor(320 / grid.rows)));
    const markH = 4;
    const height = grid.rows * (this.rowHeight + (marks.size ? markH : 0)) + 2;
    const dpr = devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    // One pixel per cell, then scaled.
    const img = new ImageData(Math.max(1, grid.cols), Math.max(1, grid.rows));
    const dead = parseColor(themeVar('--vscode-errorForeground', '#f14c4c'), [241, 76, 76]);
    const empty = parseColor(themeVar('--vscode-editor-background', '#1e1e1e'), [30, 30, 30]);
    const logMax = Math.log1p(max);
    for (let r = 0; r < grid.rows; r++) {
      for (let c = 0; c < grid.cols; c++) {
        const v = grid.values(r, c);
        const [R, G, B] = v === undefined ? empty : v === 0 ? dead : viridis(Math.log1p(v) / logMax);
        const o = (r * grid.cols + c) * 4;
        img.data[o] = R;
        img.data[o + 1] = G;
        img.data[o + 2] = B;
        img.data[o + 3] = v === 0 ? 150 : 255;
      }
    }
    const off = document.createElement('canvas');
    off.width = img.width;
    off.height = img.height;
    off.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    const plotW = width - LABEL_WIDTH;
    ctx.fillStyle = themeVar('--vscode-descriptionForeground', '#888');
    ctx.font = `11px ${themeVar('--vscode-font-family', 'sans-serif')}`;
    ctx.textBaseline = 'middle';
    const step = this.rowHeight + (marks.size ? markH : 0);
    const mark = themeVar('--vscode-editorWarning-foreground', '#cca700');
    for (let r = 0; r < grid.rows; r++) {
      const y = r * step + (marks.size ? markH : 0);
      ctx.drawImage(off, 0, r, grid.cols, 1, LABEL_WIDTH, y, plotW, this.rowHeight);
      if (this.rowHeight >= 9 || r % Math.ceil(12 / this.rowHeight) === 0) {
        ctx.fillStyle = themeVar('--vscode-descriptionForeground', '#888');
        ctx.fillText(grid.rowLabel(r), 2, y + this.rowHeight / 2);
      }
      const m = marks.get(grid.levelOf(r));
      if (m && marks.size) {
        ctx.fillStyle = mark;
        for (const code of m.codes) ctx.fillRect(LABEL_WIDTH + (code / grid.cols) * plotW, y - markH, Math.max(1, plotW / grid.cols), markH - 1);
      }
    }
    this.markStep = step;
    this.markOffset = marks.size ? markH : 0;
    this.plotW = plotW;
  }

  private markStep = 22;
  private markOffset = 0;
  private plotW = 1;

  private cellAt(e: MouseEvent): { row: number; col: number } | null {
    if (!this.grid) return null;
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left - LABEL_WIDTH;
    const y = e.clientY - rect.top - this.markOffset;
    if (x < 0 || y < 0) return null;
    const row = Math.floor(y / this.markStep);
    const col = Math.floor((x / this.plotW) * this.grid.cols);
    if (row >= this.grid.rows || col >= this.grid.cols) return null;
    if (this.grid.values(row, col) === undefined) return null;
    return { row, col };
  }

  private onMove(e: MouseEvent): void {
    const cell = this.cellAt(e);
    if (!cell || !this.grid) {
      this.tip.hidden = true;
      return;
    }
    const rect = this.canvas.getBoundingClientRect();
    this.tip.style.left = `${Math.min(e.clientX - rect.left + 14, rect.width - 280)}px`;
    this.tip.style.top = `${e.clientY - rect.top + 14}px`;
    if (this.hover && this.hover.row === cell.row && this.hover.col === cell.col && !this.tip.hidden) return;
    this.hover = cell;
    const count = this.grid.values(cell.row, cell.col) ?? 0;
    const level = this.grid.levelOf(cell.row);
    const share = ((100 * count) / this.total).toFixed(2);
    this.tip.replaceChildren(
      h('div', { class: 'tip-head' }, `${this.grid.rowLabel(cell.row).split(' · ')[0]} · code ${cell.col}`),
      h('div', {}, `${count} item${count === 1 ? '' : 's'} · ${share}% of the catalog`),
      h('div', { class: 'tip-titles' }, count > 0 ? '…' : 'dead code: no item maps here'),
      h('div', { class: 'tip-hint' }, 'click: open in the explorer'),
    );
    this.tip.hidden = false;
    this.pendingRequest = count > 0 ? this.handlers.requestItems(level, cell.col) : -1;
  }

  showItems(items: CellItems): void {
    if (items.requestId !== this.pendingRequest) return;
    const box = this.tip.querySelector('.tip-titles');
    if (!box) return;
    // Titles come from catalogs: text nodes only, never HTML.
    const lines = items.titles.map((t) => h('div', { class: 'tip-title' }, t));
    if (items.note) lines.push(h('div', { class: 'tip-hint' }, items.note));
    if (items.count > items.titles.length && items.titles.length > 0) lines.push(h('div', { class: 'tip-hint' }, `… ${items.count - items.titles.length} more (final IDs)`));
    box.replaceChildren(...lines);
  }
}
