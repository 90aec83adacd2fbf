/** The newest loss terms: totals, then codebook / commitment / balance per level. */
import type { LossesEvent } from '../../../src/protocol';
import { fmt, h } from '../dom';

export function lossTable(losses: LossesEvent | null): HTMLElement | null {
  if (!losses) return null;
  const levels = losses.codebook.length;
  const perLevel = Array.from({ length: levels }, (_, l) =>
    h(
      'tr',
      {},
      h('td', {}, String(l)),
      h('td', { class: 'num' }, fmt(losses.codebook[l])),
      h('td', { class: 'num' }, fmt(losses.commitment[l])),
      h('td', { class: 'num' }, losses.balance ? fmt(losses.balance[l]) : '–'),
    ),
  );
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Latest losses ', h('span', { class: 'caption' }, `epoch ${losses.epoch + 1}, step ${losses.step}`)),
    h(
      'table',
      { class: 'kv', id: 'losses' },
      h(
        'tbody',
        {},
        h('tr', {}, h('th', {}, 'total'), h('td', { class: 'num' }, fmt(losses.total))),
        h('tr', {}, h('th', {}, 'reconstruction'), h('td', { class: 'num' }, fmt(losses.recon))),
        h('tr', {}, h('th', {}, 'collaborative'), h('td', { class: 'num' }, fmt(losses.collab))),
        // Older runs' events lack the accuracy fields.
        losses.collab_chance
          ? h(
              'tr',
              {},
              h('th', {}, 'collaborative accuracy'),
              h('td', { class: 'num' }, `${fmt(losses.collab_accuracy)} (chance ${fmt(losses.collab_chance.accuracy)}; loss at chance ${fmt(losses.collab_chance.loss)})`),
            )
          : null,
      ),
    ),
    h(
      'table',
      { class: 'grid' },
      h('thead', {}, h('tr', {}, ['level', 'codebook', 'commitment', 'balance'].map((c) => h('th', {}, c)))),
      h('tbody', {}, perLevel),
    ),
  );
}
