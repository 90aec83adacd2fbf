/**
 * Identity of the trained model: sha256 of the canonical JSON (sorted keys) of every
 * key that changes what is trained, first 12 hex digits.
 *
 * Left out: `name` and `output` (where the run goes, not what it is), `variants` and
 * `grid` (a run's config is already one point of the sweep), `engine` (the backend
 * and thread count change speed, not the model; the backend is in summary.json).
 * Kept: train.seed (another seed is another model), data paths as absolute paths
 * (file contents are not hashed: moving the data changes the hash, editing it in
 * place does not). `collab.pairs.threshold: null` hashes as the criterion's
 * default, which it means.
 */
import { createHash } from 'node:crypto';
import { defaultThreshold, ExperimentConfig } from './experiment';

export function configHash(config: ExperimentConfig): string {
  const pairs = config.collab.pairs;
  const identity = {
    data: config.data,
    features: config.features,
    model: config.model,
    train: config.train,
    collab: {
      ...config.collab,
      pairs: { ...pairs, threshold: pairs.threshold ?? defaultThreshold(pairs.criterion, pairs.min_count) },
    },
    dead_codes: config.dead_codes,
    balance: config.balance,
  };
  return createHash('sha256').update(canonicalJson(identity)).digest('hex').slice(0, 12);
}

/** JSON with object keys sorted at every depth (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
