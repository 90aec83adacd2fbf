import type { Catalog } from '../data/types';
import { PrefixIndex } from '../ids/prefixIndex';
import { formatSid } from '../ids/sidText';
import type { SemanticIds } from '../ids/semanticIdsFile';

/**
 * The logic of `semid inspect <run-dir> (--prefix 12-4 | --item ID) [--json]`:
 * pure functions over a run's IDs and the catalog's titles. The CLI loads the run,
 * builds an InspectIndex once, calls inspectPrefix / inspectItem, and prints either
 * the report object as JSON or formatPrefixReport / formatItemReport.
 */

/** Catalog fields tried, in order, for an item's title. */
export const DEFAULT_TITLE_FIELDS: readonly string[] = ['title', 'name', 'text'];

/** A lookup problem the user can fix (unknown item id, bad prefix): exit code 2. */
export class InspectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectError';
  }
}

export interface InspectIndex {
  ids: readonly string[];
  /** Title per item position, or null when the catalog has none. */
  titles: readonly (string | null)[];
  prefixes: PrefixIndex;
  positionOf: ReadonlyMap<string, number>;
}

export interface InspectedItem {
  id: string;
  /** L codes then the digit. */
  sid: number[];
  title: string | null;
}

/** `--prefix`: every item under a prefix (the first `limit` listed, in ID order). */
export interface PrefixReport {
  kind: 'prefix';
  prefix: number[];
  count: number;
  items: InspectedItem[];
}

export interface DepthReport {
  depth: number;
  /** The item's first `depth` codes. */
  prefix: number[];
  /** Other items sharing at least `depth` leading codes. */
  count: number;
  /** Of those, the ones sharing exactly `depth` (they diverge at the next level). */
  exactly: number;
  /** The first `limit` of the `exactly` group, in ID order: deeper neighbours are listed at their own depth. */
  items: InspectedItem[];
}

/** `--item`: the item's ID and its neighbourhood at each depth 1..L. */
export interface ItemReport {
  kind: 'item';
  item: InspectedItem;
  levels: number;
  depths: DepthReport[];
}

export interface InspectOptions {
  /** Items listed per group; default 50 for a prefix, 10 per depth for an item. */
  limit?: number;
}

export function buildInspectIndex(sids: SemanticIds, titles?: readonly (string | null)[]): InspectIndex {
  const positionOf = new Map<string, number>();
  sids.ids.forEach((id, i) => positionOf.set(id, i));
  if (titles && titles.length !== sids.ids.length) {
    throw new RangeError(`titles: expected ${sids.ids.length}, got ${titles.length}`);
  }
  return {
    ids: sids.ids,
    titles: titles ?? new Array<string | null>(sids.ids.length).fill(null),
    prefixes: new PrefixIndex(sids.codes, sids.digits, sids.levels),
    positionOf,
  };
}

/** Title of each ID's catalog item: the first of `fields` holding a non-empty string or number. */
export function catalogTitles(
  ids: readonly string[],
  catalog: Catalog,
  fields: readonly string[] = DEFAULT_TITLE_FIELDS,
): (string | null)[] {
  return ids.map((id) => {
    const at = catalog.indexById.get(id);
    if (at === undefined) return null;
    const record = catalog.items[at].fields;
    for (const f of fields) {
      const v = record[f];
      if ((typeof v === 'string' && v.trim() !== '') || typeof v === 'number') return String(v);
    }
    return null;
  });
}

/** `prefix` as text (`12-4`, `<a_12><b_4>`...) or codes. */
export function inspectPrefix(index: InspectIndex, prefix: string | readonly number[], options: InspectOptions = {}): PrefixReport {
  const codes = typeof prefix === 'string' ? index.prefixes.parsePrefix(prefix) : prefix.slice();
  if (codes.length > index.prefixes.width) {
    throw new InspectError(`prefix ${formatSid(codes)} has ${codes.length} codes; IDs here have ${index.prefixes.width}`);
  }
  const limit = options.limit ?? 50;
  const items = index.prefixes.itemsWithPrefix(codes);
  return { kind: 'prefix', prefix: codes, count: items.length, items: items.slice(0, limit).map((i) => describe(index, i)) };
}

export function inspectItem(index: InspectIndex, id: string, options: InspectOptions = {}): ItemReport {
  const item = index.positionOf.get(id);
  if (item === undefined) throw new InspectError(`no item with id ${JSON.stringify(id)} in this run's semantic IDs`);
  const limit = options.limit ?? 10;
  const { levels } = index.prefixes;
  const sid = index.prefixes.fullId(item);
  const depths: DepthReport[] = [];
  for (let depth = 1; depth <= levels; depth++) {
    const sharing = index.prefixes.siblings(item, depth);
    const deeper = depth < levels ? new Set(index.prefixes.siblings(item, depth + 1)) : new Set<number>();
    const exact = depth < levels ? sharing.filter((i) => !deeper.has(i)) : sharing;
    depths.push({
      depth,
      prefix: sid.slice(0, depth),
      count: sharing.length,
      exactly: exact.length,
      items: exact.slice(0, limit).map((i) => describe(index, i)),
    });
  }
  return { kind: 'item', item: describe(index, item), levels, depths };
}

function describe(index: InspectIndex, item: number): InspectedItem {
  return { id: index.ids[item], sid: index.prefixes.fullId(item), title: index.titles[item] };
}

export interface FormatOptions {
  /** Terminal width: titles are cut to fit. Default 120. */
  width?: number;
}

export function formatPrefixReport(report: PrefixReport, options: FormatOptions = {}): string {
  const noun = report.count === 1 ? 'item' : 'items';
  const head = report.prefix.length === 0 ? `all IDs: ${report.count} ${noun}` : `prefix ${formatSid(report.prefix)}: ${report.count} ${noun}`;
  const lines = [head, ...itemTable(report.items, '  ', options.width ?? 120)];
  if (report.count > report.items.length) lines.push(`  ... ${report.count - report.items.length} more`);
  return lines.join('\n') + '\n';
}

export function formatItemReport(report: ItemReport, options: FormatOptions = {}): string {
  const width = options.width ?? 120;
  const lines = [...itemTable([report.item], '', width), ''];
  const prefixWidth = Math.max(...report.depths.map((d) => formatSid(d.prefix).length));
  for (const d of report.depths) {
    const label = `depth ${d.depth}  ${formatSid(d.prefix).padEnd(prefixWidth)}  ${String(d.count).padStart(7)} other ${d.count === 1 ? 'item' : 'items'}`;
    const note = d.depth === report.levels ? ' (same codes: told apart by the digit)' : `, ${d.exactly} only this deep`;
    lines.push(label + (d.count > 0 ? note : ''));
    lines.push(...itemTable(d.items, '    ', width));
    if (d.exactly > d.items.length) lines.push(`    ... ${d.exactly - d.items.length} more`);
  }
  return lines.join('\n') + '\n';
}

/** Aligned `SID  ID  title` rows. */
function itemTable(items: readonly InspectedItem[], indent: string, width: number): string[] {
  if (items.length === 0) return [];
  const sids = items.map((it) => formatSid(it.sid));
  const sidWidth = Math.max(...sids.map((s) => s.length));
  const idWidth = Math.max(...items.map((it) => it.id.length));
  return items.map((it, k) => {
    const left = `${indent}${sids[k].padEnd(sidWidth)}  ${it.id.padEnd(idWidth)}`;
    if (it.title === null) return left.trimEnd();
    return `${left}  ${fit(displayTitle(it.title), width - left.length - 2)}`;
  });
}

/** One line for a terminal: whitespace collapsed, common HTML entities decoded. */
export function displayTitle(title: string): string {
  return title
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/&(amp|lt|gt|quot|#39|#x27|apos);/g, (_, e: string) => ENTITIES[e] ?? `&${e};`);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", apos: "'" };

function fit(text: string, room: number): string {
  const r = Math.max(room, 20);
  return text.length <= r ? text : text.slice(0, r - 1) + '…';
}
