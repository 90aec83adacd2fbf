/**
 * Messages between the extension host and the Semantic-ID Explorer webview
 * (webview/explorer). The host holds the run's IDs and catalog (a million items stay
 * in the host); the webview asks for the children of the tree nodes it shows, for
 * searches and for one item at a time, and virtualises what it draws.
 */

/** A node under a prefix: the next code and how many items carry it. */
export interface ExplorerNode {
  code: number;
  count: number;
}

/** An item as a row: its full ID (L codes + digit), catalog id and title. */
export interface ExplorerItem {
  id: string;
  sid: number[];
  title: string | null;
}

export interface ExplorerRunInfo {
  dir: string;
  label: string;
  items: number;
  levels: number;
  codebookSize: number[];
  /** Why titles are missing (catalog moved...); null when they are there. */
  catalogProblem: string | null;
}

/** One item in full: catalog fields and the items sharing 1..L of its codes. */
export interface ExplorerItemView {
  item: ExplorerItem;
  fields: [string, string][];
  depths: { depth: number; prefix: number[]; count: number; exactly: number; items: ExplorerItem[] }[];
}

/** `*` in a pattern: any code at that level (a heatmap cell of level > 0 is `*-4`). */
export type CodePattern = (number | null)[];

export type HostToExplorer =
  | { kind: 'run'; run: ExplorerRunInfo | null; message: string | null; reveal: CodePattern | null }
  /** `error`: why the engine could not answer (the node shows it instead of waiting). */
  | { kind: 'children'; prefix: number[]; nodes: ExplorerNode[]; items: ExplorerItem[]; total: number; error: string | null }
  | {
      kind: 'search';
      requestId: number;
      query: string;
      /** What the query was read as. */
      mode: 'prefix' | 'pattern' | 'text' | 'error';
      /** For a prefix: the codes (the tree expands to them). */
      prefix: number[] | null;
      total: number;
      items: ExplorerItem[];
      error: string | null;
    }
  | { kind: 'item'; view: ExplorerItemView | null; error: string | null }
  /** The host (a command, a heatmap click) asks the webview to search. */
  | { kind: 'query'; query: string };

export interface ExplorerViewState {
  dir: string | null;
  expanded: string[];
  query: string;
  selected: string | null;
}

export type ExplorerToHost =
  | { kind: 'ready'; view: ExplorerViewState | null }
  | { kind: 'children'; prefix: number[] }
  | { kind: 'search'; requestId: number; query: string }
  | { kind: 'item'; id: string }
  | { kind: 'pickRun' }
  /** After each render, in test sessions only (ExtensionMode.Test): rows shown, the selected item, the last search's total. */
  | { kind: 'rendered'; rows: number; selected: string | null; searchTotal: number | null };

export function isExplorerToHost(value: unknown): value is ExplorerToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  const codes = (v: unknown): boolean => Array.isArray(v) && v.length <= 64 && v.every((c) => Number.isInteger(c) && c >= 0);
  switch (m.kind) {
    case 'ready':
      return m.view === null || isExplorerViewState(m.view);
    case 'children':
      return codes(m.prefix);
    case 'search':
      return Number.isInteger(m.requestId) && typeof m.query === 'string' && m.query.length <= 1000;
    case 'item':
      return typeof m.id === 'string';
    case 'pickRun':
      return true;
    case 'rendered':
      return Number.isInteger(m.rows) && (m.selected === null || typeof m.selected === 'string') && (m.searchTotal === null || Number.isInteger(m.searchTotal));
    default:
      return false;
  }
}

export function isExplorerViewState(value: unknown): value is ExplorerViewState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.dir === null || typeof v.dir === 'string') &&
    Array.isArray(v.expanded) &&
    v.expanded.every((e) => typeof e === 'string') &&
    typeof v.query === 'string' &&
    (v.selected === null || typeof v.selected === 'string')
  );
}
