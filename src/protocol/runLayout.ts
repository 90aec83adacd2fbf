/**
 * The run-directory layout (design §3): `<output.dir>/<experiment>/<run-id>/` holds
 * these files, and a sweep writes COMPARISON_FILES beside its runs. The engine writes
 * them and the extension reads them by these names only.
 */
export const RUN_FILES = {
  config: 'config.yaml',
  summary: 'summary.json',
  metrics: 'metrics.jsonl',
  semanticIds: 'semantic_ids.jsonl',
  /** Kept pairs, one a line after PAIRS_TSV_HEADER (collaborative runs only). */
  pairs: 'pairs.tsv',
  /** The pairs' counts and score histogram, as in the `pairs` event. */
  pairsSummary: 'pairs.json',
  model: 'model',
  checkpoint: 'checkpoint',
  log: 'engine.log',
  /** The writing process's lock (engine/run/runLock.ts). */
  lock: 'run.lock',
  /** The writing process's liveness (protocol/liveness.ts; written by engine/run/heartbeat.ts). */
  heartbeat: 'heartbeat.json',
} as const;

export const PAIRS_TSV_HEADER = 'a_id\tb_id\tk11\tscore';

export const COMPARISON_FILES = { json: 'comparison.json', markdown: 'comparison.md' } as const;
