/** Per codebook level: usage, perplexity, Gini and dead codes (newest diagnostics, else the summary). Epochs shown 1-based, as the CLI does. */
import type { DashboardRunState } from '../../../src/protocol';
import { fmt, h, percent } from '../dom';

export function levelTable(run: DashboardRunState): HTMLElement | null {
  const d = run.diagnostics;
  const s = run.summary;
  const source = d ?? s;
  if (!source || source.usage.length === 0) return null;
  const sizes = s?.codebook_size ?? [];
  const rows = source.usage.map((usage, level) =>
    h(
      'tr',
      {},
      h('td', {}, String(level)),
      h('td', { class: 'num' }, sizes[level] !== undefined ? String(sizes[level]) : '–'),
      h('td', { class: 'num' }, percent(usage)),
      h('td', { class: 'num' }, fmt(source.perplexity[level], 3)),
      h('td', { class: 'num' }, fmt(source.gini[level], 3)),
      h('td', { class: 'num' }, fmt(source.dead_codes[level])),
    ),
  );
  // Per-epoch diagnostics are over the codes drawn during the epoch; `final` is the summary's.
  const caption = !d || d.scope === 'final' ? 'final' : `epoch ${d.epoch + 1}, step ${d.step}`;
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Codebooks ', h('span', { class: 'caption' }, caption)),
    h(
      'table',
      { class: 'grid', id: 'levels' },
      h('thead', {}, h('tr', {}, ['level', 'codes', 'usage', 'perplexity', 'Gini', 'dead'].map((c) => h('th', {}, c)))),
      h('tbody', {}, rows),
    ),
  );
}
