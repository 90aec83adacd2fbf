import type { Catalog } from '../data/types';
import { PrefixIndex } from '../ids/prefixIndex';
import { formatSid } from '../../protocol/sidText';
import type { SemanticIds } from '../ids/semanticIdsFile';
import type { DepthReport, InspectedItem, ItemReport, PrefixReport } from '../../protocol/inspectReport';

export type { DepthReport, InspectedItem, ItemReport, PrefixReport };

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
  /** Codes per level (model.codebook_size), when known: a prefix code beyond them is an error. */
  codebookSizes: readonly number[] | null;
  /** Each item's catalog record, when the catalog was read. */
  fields: readonly (Record<string, unknown> | null)[] | null;
  catalogProblem: string | null;
}

export interface InspectOptions {
  /** Items listed per group; default 50 for a prefix, 10 per depth for an item. */
  limit?: number;
}

export interface InspectCatalog {
  titles?: readonly (string | null)[];
  fields?: readonly (Record<string, unknown> | null)[];
  problem?: string | null;
}

export function buildInspectIndex(
  sids: SemanticIds,
  titles?: readonly (string | null)[],
  codebookSizes: readonly number[] | null = null,
  catalog: Omit<InspectCatalog, 'titles'> = {},
): InspectIndex {
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
    codebookSizes,
    fields: catalog.fields ?? null,
    catalogProblem: catalog.problem ?? null,
  };
}

/** Each ID's catalog record, or null when the catalog lacks it. */
export function catalogFields(ids: readonly string[], catalog: Catalog): (Record<string, unknown> | null)[] {
  return ids.map((id) => {
    const at = catalog.indexById.get(id);
    return at === undefined ? null : catalog.items[at].fields;
  });
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
  codes.forEach((code, level) => {
    const size = index.codebookSizes?.[level];
    if (size !== undefined && code >= size) {
      throw new InspectError(`prefix ${formatSid(codes)}: code ${code} at level ${level + 1} is beyond its ${size} codes (0-${size - 1})`);
    }
  });
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
  return { kind: 'item', item: describe(index, item), levels, depths, fields: index.fields?.[item] ?? null, catalogProblem: index.catalogProblem };
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
  const idWidth = Math.max(...items.map((it) => terminalText(it.id).length));
  return items.map((it, k) => {
    const left = `${indent}${sids[k].padEnd(sidWidth)}  ${terminalText(it.id).padEnd(idWidth)}`;
    if (it.title === null) return left.trimEnd();
    return `${left}  ${fit(displayTitle(it.title), width - left.length - 2)}`;
  });
}

/** One line for a terminal: whitespace collapsed, common HTML entities decoded, no control characters. */
export function displayTitle(title: string): string {
  return terminalText(
    title
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/&(amp|lt|gt|quot|#39|#x27|apos);/g, (_, e: string) => ENTITIES[e] ?? `&${e};`),
  );
}

/**
 * Catalog text without what a terminal would obey instead of print: C0/C1 control
 * characters (ESC starts colour, cursor and hyperlink sequences), DEL, and the bidi
 * overrides that reorder what is shown.
 */
export function terminalText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", apos: "'" };

function fit(text: string, room: number): string {
  const r = Math.max(room, 20);
  return text.length <= r ? text : text.slice(0, r - 1) + '…';
}
