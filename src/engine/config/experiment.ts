/**
 * The experiment file (design §2): its resolved shape and every default.
 * The validator (validate.ts) turns YAML into this, filling defaults and making
 * relative paths absolute (relative to the experiment file's folder).
 */

export type PairCriterion = 'llr' | 'npmi' | 'pmi' | 'count' | 'none';
export type BackendRequest = 'auto' | 'gpu' | 'native' | 'wasm' | 'cpu';
export type OptimizerName = 'adam' | 'adamw' | 'adagrad';

export type EvalBaseline = 'popularity' | 'sasrec';

/** `eval.retrieval`: the generative retriever and SASRec (the same size). */
/** `eval.retrieval.architecture` (keys.ts says what each means). */
export type RetrievalArchitecture = 'decoder' | 'encoder-decoder';

export interface RetrievalOptions {
  architecture: RetrievalArchitecture;
  layers: number;
  heads: number;
  d_model: number;
  ff: number;
  dropout: number;
  lr: number;
  batch_size: number;
  epochs: number;
  patience: number;
  minutes: number;
  beams: number;
  max_history: number;
  valid_users: number;
  seed: number;
}

/** How `collab.weight` sets the collaborative term's pull (keys.ts says what each means). */
export type CollabWeighting = 'fixed' | 'gradient';
/** How an extra term's pull is set: a fixed loss weight, or a share of the RQ-VAE loss's gradient at the latent. */
export type TermWeighting = CollabWeighting;

/** What the collaborative term aligns (keys.ts says what each means). */
export type CollabObjective = 'pairs' | 'items' | 'both';

export interface ExperimentConfig {
  name: string;
  data: {
    items: string;
    id_field: string;
    text_fields: string[];
    embeddings: string | null;
    embedding_dim: number | null;
    item_index: string | null;
    interactions: string | null;
  };
  features: { method: 'tfidf-svd'; dim: number; fuse: 'cooccurrence'[] };
  model: {
    type: 'rqvae' | 'rkmeans';
    encoder: number[];
    latent_dim: number;
    levels: number;
    /** One size per level once resolved (a single number in the file is repeated). */
    codebook_size: number[];
    beta: number;
  };
  train: {
    epochs: number;
    batch_size: number;
    optimizer: OptimizerName;
    lr: number;
    weight_decay: number;
    seed: number;
    kmeans_init: boolean;
  };
  collab: {
    weight: number;
    temperature: number;
    target: 'latent' | 'quantized';
    similarity: 'centred' | 'cosine';
    weighting: CollabWeighting;
    objective: CollabObjective;
    pairs_per_step: number;
    pairs: {
      window: number;
      min_count: number;
      criterion: PairCriterion;
      threshold: number | null;
      max_per_item: number | null;
      /** A pairs.tsv mined elsewhere (distributed/ray/mine_pairs.py), used as is instead of mining. */
      file: string | null;
    };
  };
  dead_codes: { reinit: boolean; window: number; min_usage: number };
  balance: { weight: number; temperature: number; temperature_mode: BalanceTemperatureMode; weighting: TermWeighting; fade: boolean };
  engine: { backend: BackendRequest; threads: number | null };
  output: { dir: string };
  eval: {
    enabled: boolean;
    baselines: EvalBaseline[];
    parallel: boolean;
    retrieval: RetrievalOptions;
  };
  variants: Record<string, Record<string, unknown>>;
  grid: Record<string, unknown[]>;
}

/**
 * How `balance.temperature` sets the soft assignment's T: `absolute` uses it as T;
 * `relative` multiplies it by the batch's distance spread (per level, no gradient: mean
 * squared residual-to-code distance minus the mean distance to the nearest code).
 */
export type BalanceTemperatureMode = 'relative' | 'absolute';

/** Defaults of every key but `name` (required). Paths stay relative until resolved. */
export function defaultConfig(): Omit<ExperimentConfig, 'name'> {
  return {
    data: {
      items: 'items.jsonl',
      id_field: 'id',
      text_fields: ['title'],
      embeddings: null,
      embedding_dim: null,
      item_index: null,
      interactions: null,
    },
    features: { method: 'tfidf-svd', dim: 256, fuse: [] },
    model: { type: 'rqvae', encoder: [512, 256, 128], latent_dim: 32, levels: 3, codebook_size: [256, 256, 256], beta: 0.25 },
    train: { epochs: 200, batch_size: 1024, optimizer: 'adam', lr: 0.001, weight_decay: 0, seed: 0, kmeans_init: true },
    collab: {
      weight: 0,
      temperature: 0.1,
      target: 'quantized',
      similarity: 'cosine',
      weighting: 'fixed',
      objective: 'pairs',
      pairs_per_step: 512,
      pairs: { window: 5, min_count: 2, criterion: 'llr', threshold: null, max_per_item: null, file: null },
    },
    dead_codes: { reinit: false, window: 200, min_usage: 1 },
    balance: { weight: 0, temperature: 0.1, temperature_mode: 'relative', weighting: 'gradient', fade: true },
    engine: { backend: 'auto', threads: null },
    output: { dir: 'runs' },
    eval: {
      enabled: false,
      baselines: ['popularity', 'sasrec'],
      parallel: true,
      retrieval: {
        architecture: 'decoder', layers: 2, heads: 2, d_model: 128, ff: 256, dropout: 0.1, lr: 0.001, batch_size: 128, epochs: 30,
        patience: 3, minutes: 20, beams: 20, max_history: 20, valid_users: 2000, seed: 0,
      },
    },
    variants: {},
    grid: {},
  };
}

/** Default threshold of each criterion when `collab.pairs.threshold` is null (design §2). */
export function defaultThreshold(criterion: PairCriterion, minCount: number): number {
  switch (criterion) {
    case 'llr':
      return 10.83;
    case 'npmi':
      return 0.1;
    case 'pmi':
      return 1.0;
    case 'count':
      return minCount;
    case 'none':
      return -Infinity;
  }
}
