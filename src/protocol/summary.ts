import type { RunStatus } from './events';

/** `summary.json` in a run directory (design §3). */
export interface RunSummary {
  run_id: string;
  experiment: string;
  experiment_path: string;
  variant: string | null;
  seed: number;
  config_hash: string;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  error?: string;
  backend: string;
  items: number;
  levels: number;
  codebook_size: number[];
  steps: number;
  seconds: number;
  recon_loss: number | null;
  /** Per level: used codes / K. */
  usage: number[];
  perplexity: number[];
  gini: number[];
  dead_codes: number[];
  /** 1 - distinct L-code tuples / items, before the collision digit. */
  collision_rate: number | null;
  /** Distinct full IDs (with the digit) / items. */
  unique_sid_ratio: number | null;
  /** Largest number of items sharing one L-code tuple. */
  max_collisions?: number | null;
  /** Collaborative coherence at depths 1..L, with the same share for random pairs. */
  coherence?: { depth: number; users: number; random: number }[] | null;
  eval?: Record<string, number>;
}

/** One line of `semantic_ids.jsonl`. */
export interface SemanticIdRecord {
  id: string;
  /** L codes then the collision digit. */
  sid: number[];
}
