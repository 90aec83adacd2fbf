/**
 * What `semid inspect --json` prints (design §3): the extension's "Inspect Item"
 * reads these from the engine process instead of loading catalogs itself.
 */

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
  /** The item's catalog record (all its fields), or null when the catalog lacks it or could not be read. */
  fields: Record<string, unknown> | null;
  /** Why there are no titles or fields: the catalog could not be read. */
  catalogProblem: string | null;
}

export type InspectReport = PrefixReport | ItemReport;
