/**
 * Every key of the experiment file (design §2), described once. The validator, the
 * JSON Schema, hover docs and completion in the extension all read this table, so a
 * key added here is documented, validated and completed everywhere.
 */

export type KeyKind =
  | 'string'
  | 'int'
  | 'number'
  | 'bool'
  | 'enum'
  | 'path'
  | 'int-list'
  | 'string-list'
  | 'enum-list'
  /** One positive integer, or a list of them (one per level): `model.codebook_size`. */
  | 'sizes'
  /** A mapping whose contents have their own rules (`variants`, `grid`). */
  | 'map';

/** A value as it can appear in YAML/JSON. */
export type KeyValue = string | number | boolean | null | number[] | string[] | Record<string, unknown>;

export interface KeySpec {
  /** Dotted path, e.g. `collab.pairs.window`. */
  readonly path: string;
  readonly kind: KeyKind;
  /** The default written the way a user would write it in the file. */
  readonly default: KeyValue;
  /** `null` is a valid value (and usually the default). */
  readonly nullable?: boolean;
  readonly required?: boolean;
  /** Numeric bounds; for lists they apply to each element. */
  readonly min?: number;
  readonly max?: number;
  /** `min` itself is excluded (lr > 0). */
  readonly exclusiveMin?: boolean;
  /** Allowed values of `enum` / `enum-list` keys. */
  readonly values?: readonly string[];
  /** Regular expression (source) a `string` must match. */
  readonly pattern?: string;
  readonly maxLength?: number;
  /** Lists: fewest elements. */
  readonly minItems?: number;
  /** A file path, relative to the experiment file's folder, that must exist when checked. */
  readonly mustExist?: boolean;
  /** One or two sentences for hover docs and completion. */
  readonly description: string;
  /**
   * For a key added after runs existed: the behaviour those runs had, as this key's
   * value. At that value the key is left out of the config hash, so adding the key
   * does not make `semid sweep` retrain the runs it has already finished (configHash.ts).
   */
  readonly hashOmittedAt?: KeyValue;
}

export interface SectionSpec {
  readonly path: string;
  readonly description: string;
}

/** Names that become folder names: no separators, no leading dot. */
export const SAFE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';

export const SECTIONS: readonly SectionSpec[] = [
  { path: 'data', description: 'Where the items, their embeddings and the user interactions come from.' },
  { path: 'features', description: 'How item features are made when there are no precomputed embeddings.' },
  { path: 'model', description: 'The RQ-VAE: encoder/decoder sizes, latent size and the residual codebooks.' },
  { path: 'train', description: 'Optimisation: epochs, batch size, optimizer, learning rate and seed.' },
  { path: 'collab', description: 'Collaborative (PLUM-style InfoNCE) term over co-occurring item pairs.' },
  { path: 'collab.pairs', description: 'How co-occurring item pairs are mined from the training sequences.' },
  { path: 'dead_codes', description: 'Detection (and optional re-initialisation) of codes nobody uses.' },
  { path: 'balance', description: 'Switch-Transformer style load-balancing loss over the codes of each level.' },
  { path: 'engine', description: 'Which TensorFlow.js backend runs the training, and with how many threads.' },
  { path: 'output', description: 'Where run directories are written.' },
  {
    path: 'eval',
    description:
      'Retrieval evaluation (TIGER protocol): a generative retriever over the semantic IDs, scored by Recall/NDCG@5/10 ' +
      'beside baselines. Present = evaluate after training; `semid eval <run-dir>` evaluates any run.',
  },
  { path: 'eval.retrieval', description: 'The generative retriever (and SASRec, the same size): architecture, training budget and decoding.' },
];


export const KEYS: readonly KeySpec[] = [
  {
    path: 'name', kind: 'string', default: null, required: true, pattern: SAFE_NAME_PATTERN, maxLength: 100,
    description: 'Name of the experiment (letters, digits, `.`, `_`, `-`). Runs go to `<output.dir>/<name>/<run-id>/`.',
  },

  // data
  {
    path: 'data.items', kind: 'path', default: 'items.jsonl', mustExist: true,
    description:
      'The item catalog: `.jsonl`, `.json` (object keyed by id, or array), `.csv`, `.tsv` or a RecBole `.text` file. ' +
      'Relative to this file\'s folder.',
  },
  {
    path: 'data.id_field', kind: 'string', default: 'id',
    description: 'The catalog\'s item-id column or key (for RecBole `.text`, e.g. `item_id:token`).',
  },
  {
    path: 'data.text_fields', kind: 'string-list', default: ['title'],
    description: 'Catalog fields the featurizer reads when there are no embeddings (joined in this order).',
  },
  {
    path: 'data.embeddings', kind: 'path', default: null, nullable: true, mustExist: true,
    description:
      'Precomputed item embeddings, row i = item i: `.npy` (float32/float16), raw little-endian `.f32` ' +
      '(needs `embedding_dim`) or `.jsonl`/`.csv` rows. `null`: features are computed from `text_fields`.',
  },
  {
    path: 'data.embedding_dim', kind: 'int', default: null, nullable: true, min: 1,
    description: 'Width of each embedding row; required for raw `.f32` files (the file has no header).',
  },
  {
    path: 'data.item_index', kind: 'path', default: null, nullable: true, mustExist: true,
    description:
      'RecBole `.item2index` (TSV catalog id -> index): maps catalog ids to embedding rows and interaction indices.',
  },
  {
    path: 'data.interactions', kind: 'path', default: null, nullable: true, mustExist: true,
    description:
      'User histories in time order: `"user i1 i2 ..."` `.txt`, RecBole `.inter` (with its `.train`/`.valid`/`.test` ' +
      'siblings), or JSON `{user: [items]}`. Needed for the collaborative term and evaluation.',
  },

  // features
  {
    path: 'features.method', kind: 'enum', default: 'tfidf-svd', values: ['tfidf-svd'],
    description: 'Featurizer used when `data.embeddings` is null: TF-IDF over the text fields, reduced by truncated SVD.',
  },
  {
    path: 'features.dim', kind: 'int', default: 256, min: 1,
    description: 'Width of the computed feature vectors (SVD components).',
  },
  {
    path: 'features.fuse', kind: 'enum-list', default: [], values: ['cooccurrence'],
    description:
      'Extra inputs per item, each with its own encoder whose latent is added to the content encoder\'s: `cooccurrence` = ' +
      'truncated SVD of the positive-PMI matrix of the kept `collab.pairs` (training part of `data.interactions`). The decoder reconstructs the content only.',
  },

  // model
  {
    path: 'model.encoder', kind: 'int-list', default: [512, 256, 128], min: 1,
    description: 'Hidden layer sizes of the encoder; the decoder mirrors them. `[]`: a single linear map.',
  },
  {
    path: 'model.latent_dim', kind: 'int', default: 32, min: 1,
    description: 'Width of the latent vector z that the codebooks quantize.',
  },
  {
    path: 'model.levels', kind: 'int', default: 3, min: 1, max: 8,
    description: 'Number of residual quantization levels (codes per semantic ID, before the collision digit).',
  },
  {
    path: 'model.codebook_size', kind: 'sizes', default: 256, min: 1,
    description: 'Codes per level: one number (the same for every level) or a list with one size per level.',
  },
  {
    path: 'model.beta', kind: 'number', default: 0.25, min: 0,
    description: 'Weight of the commitment term beta ||r - sg(e)||^2.',
  },
  {
    path: 'model.type', kind: 'enum', default: 'rqvae', values: ['rqvae', 'rkmeans'],
    description:
      '`rqvae`: the trained RQ-VAE. `rkmeans`: residual k-means on the input features, level by level (no network; ' +
      'GRID reports it on par with RQ-VAE); uses `levels`, `codebook_size` and `train.seed` only.',
  },

  // train
  {
    path: 'train.epochs', kind: 'int', default: 200, min: 1,
    description: 'Passes over the catalog.',
  },
  {
    path: 'train.batch_size', kind: 'int', default: 1024, min: 1,
    description: 'Items per training step.',
  },
  {
    path: 'train.optimizer', kind: 'enum', default: 'adam', values: ['adam', 'adamw', 'adagrad'],
    description: 'Optimizer: `adam`, `adamw` (decoupled weight decay) or `adagrad`.',
  },
  {
    path: 'train.lr', kind: 'number', default: 0.001, min: 0, exclusiveMin: true,
    description: 'Learning rate.',
  },
  {
    path: 'train.weight_decay', kind: 'number', default: 0, min: 0,
    description: 'Weight decay (L2 for adam/adagrad, decoupled for adamw). 0 disables it.',
  },
  {
    path: 'train.seed', kind: 'int', default: 0, min: 0, max: 4294967295,
    description: 'Seed of every random choice (init, k-means++, shuffles, pair sampling); same seed, same IDs.',
  },
  {
    path: 'train.kmeans_init', kind: 'bool', default: true,
    description: 'Initialise each codebook by k-means (k-means++ seeding) on residuals of a sample.',
  },

  // collab
  {
    path: 'collab.weight', kind: 'number', default: 0, min: 0,
    description: 'Weight of the collaborative InfoNCE term; 0 disables it. Needs `data.interactions`.',
  },
  {
    path: 'collab.temperature', kind: 'number', default: 0.1, min: 0, exclusiveMin: true,
    description: 'Softmax temperature of the InfoNCE term (cosine similarities are divided by it).',
  },
  {
    path: 'collab.target', kind: 'enum', default: 'quantized', values: ['latent', 'quantized'],
    description: '`latent`: the term pulls z of paired items together; `quantized`: it acts on q (straight through to the encoder).',
  },
  {
    path: 'collab.similarity', kind: 'enum', default: 'cosine', values: ['cosine', 'centred'],
    description:
      '`cosine`: plain cosine; `centred`: cosine after subtracting the mean of the step\'s paired vectors. An encoder\'s ' +
      'latents share one large common part (cosine 0.999 between random Beauty items at the start), which keeps a plain ' +
      'cosine InfoNCE near chance; centring makes pairs visible but, at a fixed weight, its gradient then outweighs ' +
      'reconstruction (studies/seed-ablation/README.md); `collab.weighting: gradient` bounds it (studies/collab/README.md).',
  },
  {
    path: 'collab.weighting', kind: 'enum', default: 'fixed', values: ['fixed', 'gradient'],
    description:
      '`fixed`: the term is added as `collab.weight` x InfoNCE. `gradient`: its gradient (at the vectors it compares) ' +
      'is scaled each step to `collab.weight` x the norm of the other terms\' gradient at the latent (the RQ-VAE ' +
      'loss, plus a fixed-weighted balance loss; a moving average), so the weight is the share of pull the term ' +
      'gets, whatever the catalog, similarity or temperature.',
  },
  {
    path: 'collab.objective', kind: 'enum', default: 'pairs', values: ['pairs', 'items', 'both'],
    description:
      '`pairs`: InfoNCE over the step\'s sampled kept pairs (the seed\'s term). `items` (LETTER-style alignment): each item ' +
      'of the training batch is aligned, by in-batch InfoNCE, with its own fixed co-occurrence vector (PPMI + SVD of the ' +
      'kept pairs, `model.latent_dim` columns), so every item gets a collaborative target every epoch; the pair InfoNCE ' +
      'is still measured and reported, without gradient. `both`: the sum. `weight`, `temperature`, `target`, ' +
      '`similarity` and `weighting` apply to each (studies/collab/README.md).',
  },
  {
    path: 'collab.pairs_per_step', kind: 'int', default: 512, min: 1,
    description: 'Kept pairs drawn per training step for the collaborative term.',
  },
  {
    path: 'collab.pairs.window', kind: 'int', default: 5, min: 0,
    description:
      'Context size: every window of this many consecutive training items is one context (sliding by one); a training ' +
      'sequence no longer than this is ONE context (on Beauty at 5: 14,063 of 22,363 users); 0 = the whole sequence.',
  },
  {
    path: 'collab.pairs.min_count', kind: 'int', default: 2, min: 1,
    description: 'Fewest contexts a pair must share to be kept.',
  },
  {
    path: 'collab.pairs.criterion', kind: 'enum', default: 'llr', values: ['llr', 'npmi', 'pmi', 'count', 'none'],
   
    description: 'Association score a pair must reach: Dunning `llr` (G^2), `npmi`, `pmi` (natural log), `count`, or `none`.',
  },
  {
    path: 'collab.pairs.threshold', kind: 'number', default: null, nullable: true,
    description: 'Minimum score; `null` = the criterion\'s default (llr 10.83, npmi 0.1, pmi 1.0, count = min_count).',
  },
  {
    path: 'collab.pairs.max_per_item', kind: 'int', default: null, nullable: true, min: 1,
    description: 'Keep only each item\'s best-scoring pairs (at most this many); `null` = no limit.',
  },
  {
    path: 'collab.pairs.file', kind: 'path', default: null, nullable: true, mustExist: true,
    description:
      'Pairs mined elsewhere, used as is instead of mining `data.interactions`: a `pairs.tsv` (`a_id`, `b_id`, `k11`, `score`; ' +
      'catalog ids) as a run or `distributed/ray/mine_pairs.py` writes it. The other `collab.pairs` keys then do not apply.',
  },

  // dead codes
  {
    path: 'dead_codes.reinit', kind: 'bool', default: false,
    description: 'Replace each dead code by a residual of its level drawn from the current batch.',
  },
  {
    path: 'dead_codes.window', kind: 'int', default: 200, min: 1,
    description: 'Steps per usage-counting window; codes are checked at the end of each window.',
  },
  {
    path: 'dead_codes.min_usage', kind: 'int', default: 1, min: 0,
    description: 'A code used fewer times than this in a window is dead (0 = never).',
  },

  // balance
  {
    path: 'balance.weight', kind: 'number', default: 0, min: 0,
    description:
      'Strength of the load-balancing term; 0 disables it. With `balance.weighting: gradient` (the default) it is the ' +
      'share of the RQ-VAE loss\'s pull at the latent that the term gets (0.1 evened a collapsed level 0 on Beauty, ' +
      'MicroLens and Scientific without re-initialisation; studies/seed-ablation/README.md); with `fixed`, the factor ' +
      'on the loss, which is 1.0 for an even assignment and up to K when one code takes all.',
  },
  {
    path: 'balance.temperature', kind: 'number', default: 0.1, min: 0, exclusiveMin: true,
    description:
      'Temperature of the soft assignment softmax(-||r - e||^2 / T). With `temperature_mode: relative` (the default) ' +
      'T = this x the batch\'s distance spread per level (mean squared residual-to-code distance minus the mean ' +
      'distance to the nearest code), so the average code sits 1/this below the nearest at any scale; with ' +
      '`absolute`, T = this (0.1 was the hand-picked value for Beauty\'s squared distances of ~0.05-0.3; the old ' +
      'default 1 left the term inert).',
  },
  {
    path: 'balance.temperature_mode', kind: 'enum', default: 'relative', values: ['absolute', 'relative'],
    description:
      '`relative` (default): T follows each level\'s distance spread in the batch; `absolute`: T = `balance.temperature` ' +
      '(the old behaviour). A relative T is sharp, and its gradient (~1/T) at a fixed weight wiped the latent on Beauty; ' +
      'it works with `balance.weighting: gradient`.',
  },
  {
    path: 'balance.fade', kind: 'bool', default: true, hashOmittedAt: false,
    description:
      'Scale the term by how uneven each level\'s code use is in the batch (0 when as even as random draws from even ' +
      'use, about 1 − the share of codes in use otherwise): it pulls while use is uneven and stops once it is even. ' +
      'Without it the gradient-weighted term keeps its full share of pull on an even level, pushing residuals off ' +
      'their codes for noise-level evenness (studies/recipe/README.md, "Where the reconstruction cost comes from"). ' +
      'A level with only a few dead codes gets a weak pull (about their share): `dead_codes.reinit` revives those.',
  },
  {
    path: 'balance.weighting', kind: 'enum', default: 'gradient', values: ['fixed', 'gradient'],
    description:
      '`gradient` (default): the term\'s gradient at the latent is scaled each step to `balance.weight` x the norm of ' +
      'the RQ-VAE loss\'s gradient there (a moving average), and its gradient to the codebooks by the same factor ' +
      '(the step before\'s), so the weight is the share of pull the term gets, whatever the temperature or catalog. ' +
      '`fixed`: the term is added as `balance.weight` x the mean over levels of the balance loss (the old behaviour).',
  },

  // engine
  {
    path: 'engine.backend', kind: 'enum', default: 'auto', values: ['auto', 'gpu', 'native', 'wasm', 'cpu'],
    description: 'TensorFlow.js backend: `auto` picks the fastest available (gpu > native > wasm > cpu).',
  },
  {
    path: 'engine.threads', kind: 'int', default: null, nullable: true, min: 1,
    description: 'Threads for the wasm/native backends; `null` = the backend\'s default.',
  },

  // output
  {
    path: 'output.dir', kind: 'path', default: 'runs',
    description: 'Folder that holds `<name>/<run-id>/` run directories (relative to this file\'s folder).',
  },

  // eval
  {
    path: 'eval.enabled', kind: 'bool', default: false,
    description: 'Evaluate after training. True whenever the file has an `eval:` block; `false` keeps the block but skips it.',
  },
  {
    path: 'eval.baselines', kind: 'enum-list', default: ['popularity', 'sasrec'], values: ['popularity', 'sasrec'],
    description: 'Baselines scored by the same evaluator on the same split: `popularity` (most popular) and `sasrec` (full-softmax cross-entropy, the retriever\'s size).',
  },
  {
    path: 'eval.parallel', kind: 'bool', default: true,
    description: 'Train SASRec on a second thread while the retriever trains, when the backend computes on one core (`wasm`, `cpu`) and the machine has two or more: the evaluation then takes about the longer of the two trainings, not their sum. The results are the same either way.',
  },
  {
    path: 'eval.retrieval.architecture', kind: 'enum', default: 'decoder', values: ['decoder', 'encoder-decoder'],
    description: 'The generative retriever: `decoder` (one vector per history item, a causal transformer, the next ID token by token from its last output; trains on every position of a window in one pass) or `encoder-decoder` (TIGER: the history as L+1 tokens per item through a bidirectional encoder, a decoder with cross-attention generates the next ID). On the Scientific example the encoder-decoder was clearly better at equal epochs, at 16x the CPU; at equal CPU the decoder matched it (studies/retrieval/README.md).',
  },
  {
    path: 'eval.retrieval.layers', kind: 'int', default: 2, min: 1, max: 24,
    description: 'Transformer blocks over the history; with `architecture: encoder-decoder`, that many encoder and that many decoder blocks (TIGER: 4 encoder + 4 decoder layers).',
  },
  {
    path: 'eval.retrieval.heads', kind: 'int', default: 2, min: 1, max: 64,
    description: 'Attention heads; must divide `d_model` (TIGER: 6).',
  },
  {
    path: 'eval.retrieval.d_model', kind: 'int', default: 128, min: 8, max: 4096,
    description: 'Width of token embeddings and hidden states (TIGER: 128).',
  },
  {
    path: 'eval.retrieval.ff', kind: 'int', default: 256, min: 8, max: 16384,
    description: 'Width of each block\'s feed-forward layer (TIGER: 1024).',
  },
  {
    path: 'eval.retrieval.dropout', kind: 'number', default: 0.1, min: 0, max: 0.9,
    description: 'Dropout on embeddings, attention outputs and feed-forward outputs while training.',
  },
  {
    path: 'eval.retrieval.lr', kind: 'number', default: 0.001, min: 0, exclusiveMin: true,
    description: 'Adam learning rate.',
  },
  {
    path: 'eval.retrieval.batch_size', kind: 'int', default: 128, min: 1,
    description: 'Training windows (up to `max_history` + 1 items of one user) per step.',
  },
  {
    path: 'eval.retrieval.epochs', kind: 'int', default: 30, min: 1,
    description: 'Most passes over the training windows; training stops earlier at `minutes` or after `patience` epochs without a better validation Recall@10.',
  },
  {
    path: 'eval.retrieval.patience', kind: 'int', default: 3, min: 1,
    description: 'Early stopping: epochs without a better validation Recall@10 before training stops (the best epoch is kept).',
  },
  {
    path: 'eval.retrieval.minutes', kind: 'number', default: 20, min: 0, exclusiveMin: true,
    description: 'Wall-clock cap on each trained model\'s training (retriever and SASRec each), in minutes.',
  },
  {
    path: 'eval.retrieval.beams', kind: 'int', default: 20, min: 10, max: 1000,
    description: 'Beam width of the trie-constrained beam search (at least 10, the largest K).',
  },
  {
    path: 'eval.retrieval.max_history', kind: 'int', default: 20, min: 1, max: 1000,
    description: 'Items of history the models read before each target (the most recent ones).',
  },
  {
    path: 'eval.retrieval.valid_users', kind: 'int', default: 2000, min: 0,
    description: 'Users whose validation Recall@10 picks the best epoch (a fixed random sample; 0 = all). The reported validation metrics use all users.',
  },
  {
    path: 'eval.retrieval.seed', kind: 'int', default: 0, min: 0, max: 4294967295,
    description: 'Seed of the evaluation models\' initialisation, shuffles, dropout and the bootstrap.',
  },

  // sweeps
  {
    path: 'variants', kind: 'map', default: {},
    description: 'Named variants: `name: { dotted.key: value }`, each trained as its own run; `{}` = the file as is.',
  },
  {
    path: 'grid', kind: 'map', default: {},
    description: 'Sweep grid: `dotted.key: [values]`; one run per element of the product of all lists.',
  },
];

const byPath = new Map<string, KeySpec>(KEYS.map((k) => [k.path, k]));
const sectionByPath = new Map<string, SectionSpec>(SECTIONS.map((s) => [s.path, s]));

/** The spec of a leaf key, or undefined. */
export function keySpec(path: string): KeySpec | undefined {
  return byPath.get(path);
}

/** The spec of a section (a key whose value is a mapping of further keys), or undefined. */
export function sectionSpec(path: string): SectionSpec | undefined {
  return sectionByPath.get(path);
}

/** Direct children of a section ('' = top level): leaf keys and sub-sections, by short name. */
export function childrenOf(section: string): { name: string; spec: KeySpec | SectionSpec; isSection: boolean }[] {
  const prefix = section === '' ? '' : `${section}.`;
  const out: { name: string; spec: KeySpec | SectionSpec; isSection: boolean }[] = [];
  const direct = (p: string): boolean => p.startsWith(prefix) && !p.slice(prefix.length).includes('.');
  for (const s of SECTIONS) if (direct(s.path)) out.push({ name: s.path.slice(prefix.length), spec: s, isSection: true });
  for (const k of KEYS) if (direct(k.path)) out.push({ name: k.path.slice(prefix.length), spec: k, isSection: false });
  return out;
}

/** Keys a variant or grid may set (everything but the name and the sweep definitions). */
export function isSweepableKey(path: string): boolean {
  const spec = byPath.get(path);
  return spec !== undefined && spec.kind !== 'map' && path !== 'name';
}

/** A short English phrase of what a key accepts, for messages: "an integer from 1 to 8". */
export function describeExpected(spec: KeySpec): string {
  const range = describeRange(spec);
  const orNull = spec.nullable ? ' or null' : '';
  switch (spec.kind) {
    case 'string':
      return `a string${orNull}`;
    case 'path':
      return `a file path${orNull}`;
    case 'bool':
      return `true or false${orNull}`;
    case 'int':
      return `an integer${range}${orNull}`;
    case 'number':
      return `a number${range}${orNull}`;
    case 'enum':
      return `one of ${quoteList(spec.values ?? [])}${orNull}`;
    case 'int-list':
      return `a list of integers${range}`;
    case 'string-list':
      return 'a list of strings';
    case 'enum-list':
      return `a list of ${quoteList(spec.values ?? [])}`;
    case 'sizes':
      return `an integer${range}, or a list of them (one per level)`;
    case 'map':
      return 'a mapping';
  }
}

function describeRange(spec: KeySpec): string {
  const { min, max } = spec;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` ${spec.exclusiveMin ? '>' : '>='} ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}
