/**
 * What a sweep trains (design §3): the experiment's `variants:` (name -> dotted-key
 * overrides), or the product of its `grid:` lists, or the file itself as `base`.
 */

/** One point of a sweep: its name (summary.json `variant`) and the keys it changes. */
export interface SweepVariant {
  name: string;
  overrides: Record<string, unknown>;
}

/** A sweep definition that cannot be expanded (the CLI reports it as an invalid experiment). */
export class SweepDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepDefinitionError';
  }
}

/** The name of the single variant of a file without `variants:` or `grid:`. */
export const BASE_VARIANT = 'base';

/**
 * Variants in the file's order, or grid points in odometer order (the last key varies
 * fastest), or `[base]`. Both `variants:` and `grid:` at once is an error: which of the
 * two wins, or whether they multiply, would be a guess.
 */
export function expandSweep(variants: Record<string, Record<string, unknown>>, grid: Record<string, unknown[]>): SweepVariant[] {
  const variantNames = Object.keys(variants);
  const gridKeys = Object.keys(grid);
  if (variantNames.length > 0 && gridKeys.length > 0) {
    throw new SweepDefinitionError("the experiment has both 'variants' and 'grid'; a sweep runs one of them");
  }
  if (variantNames.length > 0) return variantNames.map((name) => ({ name, overrides: { ...variants[name] } }));
  if (gridKeys.length === 0) return [{ name: BASE_VARIANT, overrides: {} }];

  for (const key of gridKeys) {
    if (!Array.isArray(grid[key]) || grid[key].length === 0) throw new SweepDefinitionError(`grid '${key}' has no values`);
  }
  const labels = shortLabels(gridKeys);
  const points: SweepVariant[] = [];
  const index = gridKeys.map(() => 0);
  for (;;) {
    const overrides: Record<string, unknown> = {};
    gridKeys.forEach((key, k) => (overrides[key] = grid[key][index[k]]));
    points.push({ name: gridKeys.map((key, k) => `${labels[k]}=${valueText(overrides[key])}`).join(','), overrides });
    let k = gridKeys.length - 1;
    while (k >= 0 && ++index[k] === grid[gridKeys[k]].length) index[k--] = 0;
    if (k < 0) break;
  }
  return uniqueNames(points);
}

/**
 * The shortest dotted suffix of each key that no other grid key ends with:
 * `train.lr` -> `lr`, but `collab.weight` and `balance.weight` keep their sections.
 */
export function shortLabels(keys: string[]): string[] {
  return keys.map((key) => {
    const parts = key.split('.');
    for (let n = 1; n < parts.length; n++) {
      const suffix = parts.slice(-n).join('.');
      const clash = keys.some((other) => other !== key && (other === suffix || other.endsWith(`.${suffix}`)));
      if (!clash) return suffix;
    }
    return key;
  });
}

/** A value as it reads in a grid point's name: `0.001`, `[64,64]`, `llr`, `null`. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

/** Distinct names even if two values print alike (e.g. two paths with the same text). */
function uniqueNames(points: SweepVariant[]): SweepVariant[] {
  const seen = new Map<string, number>();
  return points.map((p) => {
    const count = seen.get(p.name) ?? 0;
    seen.set(p.name, count + 1);
    return count === 0 ? p : { ...p, name: `${p.name}#${count + 1}` };
  });
}
