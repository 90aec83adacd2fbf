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
import { isDeepStrictEqual } from 'node:util';
import { defaultThreshold, ExperimentConfig } from './experiment';
import { KEYS, type KeySpec } from './keys';

/**
 * Keys added after runs existed declare `hashOmittedAt` (the behaviour before them) and
 * are left out at that value, so a finished run keeps its hash across the upgrade.
 */
export function configHash(config: ExperimentConfig, keys: readonly KeySpec[] = KEYS): string {
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
  for (const spec of keys) if (spec.hashOmittedAt !== undefined) omitAt(identity, spec.path.split('.'), spec.hashOmittedAt);
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

/** Deletes the key at `parts` from `tree` (copying the objects on the way) when it holds `value`. */
function omitAt(tree: Record<string, unknown>, parts: string[], value: unknown): void {
  const [head, ...rest] = parts;
  const child = tree[head];
  if (rest.length === 0) {
    if (head in tree && isDeepStrictEqual(child, value)) delete tree[head];
    return;
  }
  if (typeof child !== 'object' || child === null || Array.isArray(child)) return;
  const copy = { ...(child as Record<string, unknown>) };
  tree[head] = copy;
  omitAt(copy, rest, value);
}
