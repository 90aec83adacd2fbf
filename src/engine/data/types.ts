/** In-memory shapes the loaders produce and the rest of the engine reads. */

/** Row-major float32 matrix: row i is item i of the catalog. */
export interface EmbeddingMatrix {
  rows: number;
  dim: number;
  data: Float32Array;
}

export interface CatalogItem {
  /** The catalog id (the `id_field` value), as a string. */
  id: string;
  /** Every field of the record as read (strings, numbers, arrays...). */
  fields: Record<string, unknown>;
}

export interface Catalog {
  /** Catalog order defines the item index used everywhere else. */
  items: CatalogItem[];
  indexById: Map<string, number>;
  /** The file it came from (for messages). */
  source: string;
}

/**
 * Interactions in time order, as item indices into the catalog, already split
 * (TIGER leave-one-out, or the RecBole split as given). `valid`/`test` are -1 when a
 * user has too few items for that part.
 */
export interface UserSequences {
  users: string[];
  train: Int32Array[];
  valid: Int32Array;
  test: Int32Array;
}

/** What the loaders return for one experiment. */
export interface Dataset {
  catalog: Catalog;
  /** Null when the experiment has no embeddings: the featurizer then makes them. */
  embeddings: EmbeddingMatrix | null;
  interactions: UserSequences | null;
  /** Non-fatal problems, with counts (e.g. "12 interaction ids not in the catalog were dropped"). */
  warnings: string[];
}

/** A data problem that stops the run: `file:line: message` (line 0 = whole file). */
export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'DataError';
  }
}
