/**
 * A sweep's comparison.json: a table of variants (mean ± std over seeds, sortable by
 * any column) and, for the chosen column, bars with the std as whiskers.
 */
import type { ComparisonView } from '../../src/protocol';
import { fmt, h } from './dom';
import { runColor } from './theme';

/** Columns first in this order; then retrieval metrics (eval.*), then the rest. */
const PREFERRED = ['collision_rate', 'unique_sid_ratio', 'recon_loss', 'max_collisions', 'usage', 'perplexity', 'gini', 'dead_codes', 'coherence.users', 'steps', 'seconds'];
const HIDDEN = new Set(['items', 'levels', 'codebook_size', 'coherence.random']);

export interface ComparisonHandlers {
  overlaySweep(): void;
}

export class ComparisonTable {
  readonly element = h('div', { class: 'comparison' });
  private sortBy = 'collision_rate';
  private descending = false;

  constructor(private readonly handlers: ComparisonHandlers) {}

  set(view: ComparisonView | null): void {
    if (!view) {
      this.element.replaceChildren(h('p', { class: 'placeholder' }, 'This run is not part of a sweep with a comparison.json (run "Semantic IDs: Run Ablation Sweep").'));
      return;
    }
    const base = (name: string): string => name.replace(/\[\d+\]$/, '');
    const all = [...new Set(view.variants.flatMap((v) => Object.keys(v.metrics)))].filter((c) => !HIDDEN.has(base(c)));
    const rank = (c: string): number => {
      if (c.startsWith('eval.')) return 0.5;
      const i = PREFERRED.indexOf(base(c));
      return i < 0 ? 100 : i + 1;
    };
    const columns = all.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, undefined, { numeric: true }));
    if (!columns.includes(this.sortBy)) this.sortBy = columns[0];
    const rows = [...view.variants].sort((a, b) => {
      const x = a.metrics[this.sortBy]?.mean ?? NaN;
      const y = b.metrics[this.sortBy]?.mean ?? NaN;
      return (Number.isNaN(x) ? 1 : Number.isNaN(y) ? -1 : x - y) * (this.descending ? -1 : 1);
    });
    const head = h(
      'tr',
      {},
      h('th', {}, 'variant'),
      h('th', {}, 'runs'),
      columns.map((c) => {
        const th = h('th', { class: c === this.sortBy ? 'sorted' : '', title: `${c}: sort by this column and chart it`, 'data-column': c }, columnLabel(c) + (c === this.sortBy ? (this.descending ? ' ▼' : ' ▲') : ''));
        th.addEventListener('click', () => {
          if (this.sortBy === c) this.descending = !this.descending;
          else {
            this.sortBy = c;
            this.descending = false;
          }
          this.set(view);
        });
        return th;
      }),
    );
    const body = rows.map((v) =>
      h(
        'tr',
        {},
        h('th', {}, v.variant),
        h('td', { class: 'num' }, `${v.runs.length}/${v.seeds}${v.failed ? ` (${v.failed} failed)` : ''}`),
        columns.map((c) => {
          const s = v.metrics[c];
          return h('td', { class: c === this.sortBy ? 'num sorted' : 'num' }, s ? (s.std === null ? fmt(s.mean) : `${fmt(s.mean)} ± ${fmt(s.std, 2)}`) : '–');
        }),
      ),
    );
    const overlay = h('button', { type: 'button', class: 'secondary' }, 'Overlay all runs on the curves');
    overlay.addEventListener('click', () => this.handlers.overlaySweep());
    this.element.replaceChildren(
      h('section', { class: 'card' }, h('div', { class: 'chart-title' }, h('h3', {}, `${view.experiment}: ${view.variants.length} variants `, h('span', { class: 'caption' }, 'mean ± std over seeds')), overlay), h('div', { class: 'table-scroll' }, h('table', { class: 'grid sortable', id: 'comparison' }, h('thead', {}, head), h('tbody', {}, body)))),
      h('section', { class: 'card' }, h('h3', {}, `${columnLabel(this.sortBy)} `, h('span', { class: 'caption' }, 'bars: mean; whiskers: ± std')), bars(rows, this.sortBy)),
    );
  }
}

function bars(rows: ComparisonView['variants'], column: string): HTMLElement {
  const values = rows.map((v) => v.metrics[column]).filter((s) => s !== undefined);
  const max = Math.max(1e-12, ...values.map((s) => Math.abs(s.mean) + (s.std ?? 0)));
  return h(
    'div',
    { class: 'bars' },
    rows.map((v, i) => {
      const s = v.metrics[column];
      const fill = h('div', { class: 'bar-fill' });
      const whisker = h('div', { class: 'whisker' });
      if (s) {
        fill.style.width = `${(100 * Math.abs(s.mean)) / max}%`;
        fill.style.background = runColor(i);
        const std = s.std ?? 0;
        whisker.style.left = `${(100 * (Math.abs(s.mean) - std)) / max}%`;
        whisker.style.width = `${(200 * std) / max}%`;
      }
      return h('div', { class: 'bar-row' }, h('span', { class: 'bar-label' }, v.variant), h('div', { class: 'bar' }, fill, whisker), h('span', { class: 'num' }, s ? fmt(s.mean) : '–'));
    }),
  );
}

/** `usage[0]` -> `usage L0`, `collision_rate` -> `collision rate`. */
function columnLabel(column: string): string {
  return column.replace(/\[(\d+)\]$/, ' L$1').replace(/_/g, ' ');
}
