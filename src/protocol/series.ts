import type { EngineEvent } from './events';

/**
 * Curve names shared by the host (which extracts points from events) and the
 * dashboard (which groups them into charts): `recon`, `codebook/0`, `usage/2`...
 * A per-level series is `<metric>/<level>` (level 0-based).
 */

export interface ChartGroup {
  /** Chart id, also the CSV/PNG file stem. */
  id: string;
  title: string;
  /** Series name prefixes drawn in this chart (`codebook` matches `codebook/0`...). */
  metrics: string[];
  /** Values are shares in [0, 1]: drawn as percent, never on a log axis. */
  percent?: boolean;
  /** Counts: a log axis is offered but zero stays visible. */
  integer?: boolean;
}

export const CHART_GROUPS: readonly ChartGroup[] = [
  { id: 'loss', title: 'Loss: total and reconstruction', metrics: ['total', 'recon'] },
  { id: 'codebook', title: 'Codebook loss per level', metrics: ['codebook'] },
  { id: 'commitment', title: 'Commitment loss per level (before β)', metrics: ['commitment'] },
  { id: 'collab', title: 'Collaborative InfoNCE (before its weight)', metrics: ['collab'] },
  { id: 'balance', title: 'Balance loss per level (before its weight)', metrics: ['balance'] },
  { id: 'usage', title: 'Codebook usage per level', metrics: ['usage'], percent: true },
  { id: 'perplexity', title: 'Perplexity per level', metrics: ['perplexity'] },
  { id: 'gini', title: 'Gini of code usage per level', metrics: ['gini'] },
  { id: 'dead', title: 'Dead codes per level', metrics: ['dead'], integer: true },
  { id: 'collision', title: 'Collision rate (items sharing all L codes)', metrics: ['collision_rate'], percent: true },
];

/** The metric part of a series name: `codebook/1` -> `codebook`. */
export function metricOf(series: string): string {
  const slash = series.indexOf('/');
  return slash < 0 ? series : series.slice(0, slash);
}

/** The level of a per-level series, or null. */
export function levelOf(series: string): number | null {
  const slash = series.indexOf('/');
  return slash < 0 ? null : Number(series.slice(slash + 1));
}

/** The curve points an event carries, as [series, value] at the event's step. */
export function seriesPoints(event: EngineEvent): [string, number][] {
  const out: [string, number][] = [];
  const perLevel = (metric: string, values: readonly number[] | null): void => {
    values?.forEach((v, l) => out.push([`${metric}/${l}`, v]));
  };
  if (event.type === 'losses') {
    out.push(['total', event.total], ['recon', event.recon]);
    perLevel('codebook', event.codebook);
    perLevel('commitment', event.commitment);
    if (event.collab !== null) out.push(['collab', event.collab]);
    perLevel('balance', event.balance);
  } else if (event.type === 'diagnostics') {
    perLevel('usage', event.usage);
    perLevel('perplexity', event.perplexity);
    perLevel('gini', event.gini);
    perLevel('dead', event.dead_codes);
    out.push(['collision_rate', event.collision_rate]);
  }
  return out.filter(([, v]) => Number.isFinite(v));
}
