/**
 * Retrieval evaluation files of a run directory (design §3, §5): `eval.json` (the
 * metrics) and `eval_ranks.json` (each user's rank of the true item per model and
 * split, what `semid compare` pairs two runs on).
 */

/** Recall@K / NDCG@K over all evaluated users. */
export interface RetrievalMetrics {
  'recall@5': number;
  'ndcg@5': number;
  'recall@10': number;
  'ndcg@10': number;
}

export interface SplitMetrics {
  valid: RetrievalMetrics;
  test: RetrievalMetrics;
}

/** How a trained evaluation model got there. */
export interface TrainedModelInfo {
  epochs: number;
  best_epoch: number;
  steps: number;
  seconds: number;
  stopped_by: 'epochs' | 'patience' | 'minutes' | 'stopped';
  parameters: number;
}

export type EvalModelName = 'retriever' | 'popularity' | 'sasrec';

/** `eval.json`. The top-level valid/test are the generative retriever's. */
export interface EvalReport extends SplitMetrics {
  /** Users evaluated (each has a validation and a test target). */
  users: number;
  /** Users left out: fewer than 3 known items, or no validation/test target. */
  skipped: number;
  /** Interactions whose item has no semantic ID (dropped with a warning), of all read. */
  unknown_items: number;
  interactions: number;
  /** Share of generated IDs (over all users' beams, test split) that name no item. */
  invalid_rate: number;
  split: 'leave-one-out' | 'given';
  max_history: number;
  beams: number;
  backend: string;
  seconds: number;
  /** `architecture`: eval.retrieval.architecture (absent in reports written before the key existed: `decoder`). */
  retriever: TrainedModelInfo & { architecture?: 'decoder' | 'encoder-decoder' };
  baselines: { popularity?: SplitMetrics; sasrec?: SplitMetrics & { model: TrainedModelInfo } };
  finished_at: string;
}

/** `eval_ranks.json`: 0-based rank of each user's true item in a model's top 10, -1 = not in it. */
export interface EvalRanksFile {
  users: string[];
  models: Partial<Record<EvalModelName, { valid: number[]; test: number[] }>>;
}
