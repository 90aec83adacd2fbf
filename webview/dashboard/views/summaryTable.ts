/** The run's summary.json fields that fit one line each. */
import type { RunSummary } from '../../../src/protocol';
import { fmt, h, percent } from '../dom';

export function summaryTable(s: RunSummary): HTMLElement {
  const rows: [string, string][] = [
    ['items', fmt(s.items)],
    ['levels × codes', `${s.levels} × [${s.codebook_size.join(', ')}]`],
    ['steps', fmt(s.steps)],
    ['time', `${fmt(s.seconds, 3)} s`],
    ['reconstruction loss', fmt(s.recon_loss)],
    ['collisions before the digit', percent(s.collision_rate)],
    ['unique IDs after it', percent(s.unique_sid_ratio)],
    ['seed', String(s.seed)],
    ['started', new Date(s.started_at).toLocaleString()],
  ];
  if (s.finished_at) rows.push(['finished', new Date(s.finished_at).toLocaleString()]);
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Summary'),
    h('table', { class: 'kv' }, h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))))),
  );
}
