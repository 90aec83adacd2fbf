/**
 * Questions the extension host asks the engine about one finished run's IDs and
 * catalog (the Semantic-ID Explorer, the dashboard's heatmap titles and pair examples),
 * so the host never loads a catalog or the ID index itself. The engine answers them in
 * a long-lived child process (`child_process.fork` of `dist/cli.js query`, Node IPC)
 * that keeps the last runs it loaded, so a search per keystroke costs one message.
 */
import type { ExplorerItem, ExplorerItemView, ExplorerNode, ExplorerRunInfo } from './explorer';

export type RunQuery =
  /** The run's shape; loads its IDs and catalog (the first query on a run waits for that). */
  | { kind: 'open'; dir: string }
  /** The next codes under `prefix`; under a full code tuple, its items. */
  | { kind: 'children'; dir: string; prefix: number[] }
  /** A prefix (`12-4`), a pattern (`*-4`), an item id or title words. */
  | { kind: 'search'; dir: string; query: string }
  | { kind: 'item'; dir: string; id: string }
  /** How many items carry `code` at `level`, and the first `limit` titles (a heatmap cell). */
  | { kind: 'cell'; dir: string; level: number; code: number; limit: number }
  /** Code usage per level counted from the final IDs (`sizes`: codes per level). */
  | { kind: 'usage'; dir: string; sizes: number[] }
  /** Display titles of these catalog ids (the catalog alone: works while the run trains). */
  | { kind: 'titles'; dir: string; ids: string[] };

export interface RunChildren {
  nodes: ExplorerNode[];
  items: ExplorerItem[];
  total: number;
}

export interface RunSearch {
  /** What the query was read as. */
  mode: 'prefix' | 'pattern' | 'text' | 'error';
  /** For a prefix: the codes (the tree expands to them). */
  prefix: number[] | null;
  total: number;
  items: ExplorerItem[];
  error: string | null;
}

export interface RunCell {
  count: number;
  titles: string[];
  /** Why titles are missing (catalog unreadable); null when they are there. */
  note: string | null;
}

export interface RunUsage {
  counts: number[][];
  items: number;
}

export interface RunTitles {
  /** [catalog id, display title] for the ids that have one. */
  titles: [string, string][];
  /** Why there are none (catalog moved or unreadable). */
  problem: string | null;
}

/** The answer to each kind of query. */
export interface RunAnswers {
  open: ExplorerRunInfo;
  children: RunChildren;
  search: RunSearch;
  item: ExplorerItemView;
  cell: RunCell;
  usage: RunUsage;
  titles: RunTitles;
}

export type RunAnswer<Q extends RunQuery> = RunAnswers[Q['kind']];

/** Whoever answers run queries: the engine process's client in the host, the engine itself in tests. */
export interface RunQuerier {
  ask<Q extends RunQuery>(query: Q): Promise<RunAnswer<Q>>;
}

/** Host -> query process. */
export interface HostToRunQuery {
  kind: 'query';
  requestId: number;
  query: RunQuery;
}

/** Query process -> host: the answer, or the engine's words on why there is none. */
export type RunQueryToHost =
  | { kind: 'answer'; requestId: number; answer: RunAnswers[keyof RunAnswers] }
  | { kind: 'refused'; requestId: number; error: string };
