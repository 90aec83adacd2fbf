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
  /**
   * Retrieval evaluation (eval.json, flattened): the retriever's test metrics as
   * `recall@10`..., validation as `valid_recall@10`..., baselines as
   * `popularity_recall@10`, `sasrec_recall@10`..., plus `users` and `invalid_rate`.
   */
  eval?: Record<string, number>;
  /** Why the evaluation after training failed (the tokenizer run itself completed). */
  eval_error?: string;
}

/** One line of `semantic_ids.jsonl`. */
export interface SemanticIdRecord {
  id: string;
  /** L codes then the collision digit. */
  sid: number[];
}
