/** The live list of dead-code events, newest first: step, level, how many, which codes, and what the engine did. */
import type { DeadCodesEvent, DiagnosticsEvent } from '../../src/protocol';
import { h } from './dom';

export function deadCodesView(events: readonly DeadCodesEvent[], latest: DiagnosticsEvent | null, sizes: readonly number[]): HTMLElement {
  const shares = latest
    ? h(
        'div',
        { class: 'dead-shares' },
        latest.dead_codes.map((d, l) => {
          const k = sizes[l] ?? 0;
          const share = k > 0 ? d / k : 0;
          const fill = h('div', { class: 'bar-fill dead-fill' });
          fill.style.width = `${(100 * share).toFixed(1)}%`;
          return h('div', { class: 'dead-share' }, h('span', { class: 'bar-label' }, `L${l}`), h('div', { class: 'bar' }, fill), h('span', { class: 'num' }, `${d}${k ? ` / ${k}` : ''} dead`));
        }),
      )
    : null;
  const rows = [...events].reverse().map((e) =>
    h(
      'tr',
      { class: `dead-${e.action}` },
      h('td', { class: 'num' }, String(e.step)),
      h('td', {}, `L${e.level}`),
      h('td', { class: 'num' }, String(e.codes.length)),
      h('td', {}, h('span', { class: `badge action-${e.action}` }, e.action === 'reinit' ? 're-initialised' : 'alerted')),
      h('td', { class: 'codes' }, e.codes.slice(0, 40).join(', ') + (e.codes.length > 40 ? ` … (+${e.codes.length - 40})` : '')),
    ),
  );
  return h(
    'div',
    { class: 'dead-view' },
    h('section', { class: 'card' }, h('h3', {}, 'Dead codes now ', h('span', { class: 'caption' }, latest ? `step ${latest.step}` : 'no diagnostics yet')), shares ?? h('p', { class: 'placeholder' }, 'Diagnostics arrive once per epoch.')),
    h(
      'section',
      { class: 'card' },
      h('h3', {}, `Dead-code events `, h('span', { class: 'caption' }, `${events.length}`)),
      events.length === 0
        ? h('p', { class: 'placeholder' }, 'None: no code stayed unused for a whole window.')
        : h('table', { class: 'grid', id: 'dead-events' }, h('thead', {}, h('tr', {}, ['step', 'level', 'codes', 'action', 'which'].map((c) => h('th', {}, c)))), h('tbody', {}, rows)),
    ),
  );
}
