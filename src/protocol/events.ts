/**
 * Engine events: the one declaration of every object that the engine streams.
 * Each is written as one line of `metrics.jsonl` and sent, unchanged, over IPC to the
 * extension (design §3). Every event carries `type`, `time` (ISO 8601) and `step`.
 */

interface EventBase {
  /** ISO 8601 timestamp. */
  time: string;
  /** Optimizer steps completed when the event was emitted. */
  step: number;
}

/**
 * Every event's `epoch` is the 0-based index of the epoch its `step` belongs to
 * (step 0 and steps 1..S of S steps an epoch are epoch 0); displays add 1.
 */
export function epochOfStep(step: number, stepsPerEpoch: number): number {
  return step <= 0 ? 0 : Math.floor((step - 1) / stepsPerEpoch);
}

export interface RunStartedEvent extends EventBase {
  type: 'run_started';
  run_id: string;
  run_dir: string;
  experiment: string;
  experiment_path: string;
  variant: string | null;
  seed: number;
  backend: string;
  /** Why this backend was chosen (e.g. "tfjs-node not installed; using wasm"). */
  backend_reason: string;
  items: number;
  input_dim: number;
  levels: number;
  codebook_size: number[];
  total_steps: number;
  steps_per_epoch: number;
  /** Set when this run continues from a checkpoint. */
  resumed_from_step: number | null;
}

export interface ProgressEvent extends EventBase {
  type: 'progress';
  epoch: number;
  epochs: number;
  total_steps: number;
  steps_per_second: number;
  eta_seconds: number;
}

export interface LossesEvent extends EventBase {
  type: 'losses';
  epoch: number;
  /** Weighted sum that the optimizer minimised. */
  total: number;
  /** ||x - x^||^2, summed over dimensions, mean over the batch. */
  recon: number;
  /** Per level: ||sg(r_{l-1}) - e_{c_l}||^2. */
  codebook: number[];
  /** Per level: ||r_{l-1} - sg(e_{c_l})||^2 (before the beta factor). */
  commitment: number[];
  /** Collaborative InfoNCE term (before its weight); null when disabled. */
  collab: number | null;
  /**
   * In-batch accuracy of the collaborative term: the share of anchors whose own
   * positive scores strictly highest among the step's pairs, both directions averaged;
   * null when disabled.
   */
  collab_accuracy: number | null;
  /** What random guessing scores with this step's P pairs; null when disabled. */
  collab_chance: CollabChance | null;
  /**
   * `collab.objective: items | both`: the alignment InfoNCE of the batch's items with their
   * co-occurrence vectors (before its weight; chance ln of the items aligned); absent otherwise.
   */
  collab_align?: number;
  /** Per-level balance loss (before its weight); null when disabled. */
  balance: number[] | null;
}

/** Chance levels of the collaborative term with P pairs in a step. */
export interface CollabChance {
  /** ln P: the InfoNCE of scores that do not tell pairs apart. */
  loss: number;
  /** 1 / P: the in-batch accuracy of a random guess. */
  accuracy: number;
}

export interface UsageSnapshotEvent extends EventBase {
  type: 'usage_snapshot';
  epoch: number;
  /** Per level, the number of catalog items assigned to each code (length K_l). */
  counts: number[][];
}

export interface DiagnosticsEvent extends EventBase {
  type: 'diagnostics';
  epoch: number;
  /**
   * `epoch`: over the codes each item got in its batch during the epoch (the model moved
   * while they were drawn). `final`: over the final model's assignment of the whole
   * catalog, the same computation and the same numbers as summary.json; the last
   * diagnostics event of a completed run.
   */
  scope: 'epoch' | 'final';
  usage: number[];
  perplexity: number[];
  gini: number[];
  dead_codes: number[];
  collision_rate: number;
  /** With scope `final` only (after the collision digit), as in summary.json. */
  unique_sid_ratio?: number;
}

export interface DeadCodesEvent extends EventBase {
  type: 'dead_codes';
  level: number;
  codes: number[];
  action: 'reinit' | 'alert';
}

export interface PairsEvent extends EventBase {
  type: 'pairs';
  criterion: string;
  /** The applied threshold; null for criterion `none` (no score cut). */
  threshold: number | null;
  contexts: number;
  candidates: number;
  kept: number;
  /** Histogram of the candidates' scores: bin edges (length bins+1) and counts. */
  histogram: { edges: number[]; counts: number[] };
}

export interface CheckpointEvent extends EventBase {
  type: 'checkpoint';
  path: string;
  epoch: number;
}

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

export interface RunFinishedEvent extends EventBase {
  type: 'run_finished';
  status: Exclude<RunStatus, 'running'>;
  seconds: number;
  error?: string;
}

/**
 * Retrieval evaluation (design §5) of a finished run, appended to its metrics.jsonl.
 * `step` stays the tokenizer's final step; `model_step` counts the evaluation model's.
 */
export interface EvalProgressEvent extends EventBase {
  type: 'eval_progress';
  model: 'retriever' | 'sasrec';
  phase: 'train' | 'rank';
  epoch: number;
  epochs: number;
  model_step: number;
  /** Mean training loss of the epoch (phase train). */
  loss: number | null;
  /** Validation Recall@10 after the epoch (phase train), on the early-stopping sample. */
  valid_recall10: number | null;
  best: boolean;
  seconds: number;
}

export interface EvalResultEvent extends EventBase {
  type: 'eval_result';
  users: number;
  skipped: number;
  invalid_rate: number;
  /** The generative retriever's metrics. */
  valid: Record<string, number>;
  test: Record<string, number>;
  /** Baseline name -> its test metrics. */
  baselines: Record<string, Record<string, number>>;
}

export type EngineEvent =
  | RunStartedEvent
  | ProgressEvent
  | LossesEvent
  | UsageSnapshotEvent
  | DiagnosticsEvent
  | DeadCodesEvent
  | PairsEvent
  | CheckpointEvent
  | RunFinishedEvent
  | EvalProgressEvent
  | EvalResultEvent;

export type EngineEventType = EngineEvent['type'];

export const ENGINE_EVENT_TYPES: readonly EngineEventType[] = [
  'run_started',
  'progress',
  'losses',
  'usage_snapshot',
  'diagnostics',
  'dead_codes',
  'pairs',
  'checkpoint',
  'run_finished',
  'eval_progress',
  'eval_result',
];

/** Parses one `metrics.jsonl` line; returns null for anything that is not an event. */
export function parseEngineEvent(line: string): EngineEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const t = (value as { type?: unknown }).type;
  if (typeof t !== 'string' || !(ENGINE_EVENT_TYPES as readonly string[]).includes(t)) return null;
  return value as EngineEvent;
}
