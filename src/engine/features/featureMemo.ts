/**
 * The last tf-idf + SVD featurization of this process, kept for the next run. A sweep
 * trains every variant of a seed on the same catalog, text fields, dimension and seed,
 * and featurizeCatalog is deterministic, so each seed's features are computed once
 * instead of once a run (on Beauty ~35-90 s a run). One entry only: a sweep goes seed
 * by seed, and the matrix of a large catalog is not small.
 */
import { createHash } from 'node:crypto';
import type { Catalog } from '../data/types';
import type { Cancellation } from '../util/cancellation';
import { featurizeCatalogCancellable, type FeaturizeOptions, type FeaturizeResult } from './featurize';
import { catalogTokens } from './itemTokens';

export interface MemoizedFeatures extends FeaturizeResult {
  /** True when the previous run's features were handed out again. */
  reused: boolean;
}

export class FeatureMemo {
  private entry: { key: string; result: FeaturizeResult } | null = null;

  /** featurizeCatalogCancellable, or its previous result when the tokens, dim and seed are the same. */
  async featurize(catalog: Catalog, opts: Omit<FeaturizeOptions, 'onFitted'>, cancel: Cancellation): Promise<MemoizedFeatures> {
    const key = featureKey(catalog, opts);
    if (this.entry?.key === key) return { ...this.entry.result, reused: true };
    this.entry = null; // free the old matrix before building the new one
    const result = await featurizeCatalogCancellable(catalog, opts, cancel);
    this.entry = { key, result };
    return { ...result, reused: false };
  }
}

/**
 * What the featurizer reads: every item's tokens in catalog order, the dimension and the
 * seed. Hashing the tokens (not the file's path or time) also catches a catalog edited
 * between two runs of a sweep.
 */
export function featureKey(catalog: Catalog, opts: Omit<FeaturizeOptions, 'onFitted'>): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ dim: opts.dim, seed: opts.seed, fields: opts.textFields, items: catalog.items.length }));
  for (const tokens of catalogTokens(catalog, opts.textFields)) hash.update(tokens.join('\u0000') + '\u0001');
  return hash.digest('hex');
}
