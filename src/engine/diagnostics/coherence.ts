import type { UserSequences } from '../data/types';

export interface CoherenceAtDepth {
  depth: number;
  /** Share of users whose validation and test items agree on the first `depth` codes. */
  users: number;
  /**
   * The same share expected for random pairs: one user's validation item with another
   * user's test item, averaged exactly over every other user (not sampled).
   */
  random: number;
}

/**
 * Collaborative coherence (design §4): do consecutive items of one user share leading
 * codes more often than chance? Only users with both a validation and a test item
 * count. Chance pairs each such user's validation item with the test item of every
 * other such user: items then appear as often as they do in the real pairs, so popular
 * items that share codes do not flatter the score. It is the exact mean, because one
 * sampled partner per user left too few agreeing pairs at the deepest level to divide
 * by (on Beauty about ten of 22,363 at depth 3).
 * `codesOf(i)` gives item i's codes (at least `levels` of them).
 */
export function coherence(codesOf: (item: number) => ArrayLike<number>, sequences: UserSequences, levels: number): CoherenceAtDepth[] {
  const together = new Array<number>(levels).fill(0);
  // Per depth: how many validation / test items carry each prefix (keyed by its codes).
  const validPrefixes = Array.from({ length: levels }, () => new Map<string, number>());
  const testPrefixes = Array.from({ length: levels }, () => new Map<string, number>());
  let n = 0;
  for (let u = 0; u < sequences.users.length; u++) {
    const [v, t] = [sequences.valid[u], sequences.test[u]];
    if (v < 0 || t < 0) continue;
    n++;
    const a = codesOf(v);
    const b = codesOf(t);
    if (a.length < levels || b.length < levels) throw new RangeError(`an item has fewer than ${levels} codes`);
    for (let l = 0, agree = true; l < levels; l++) {
      agree = agree && a[l] === b[l];
      if (agree) together[l]++;
      count(validPrefixes[l], prefixKey(a, l));
      count(testPrefixes[l], prefixKey(b, l));
    }
  }
  return together.map((agreeing, l) => {
    let crossed = 0;
    for (const [key, c] of validPrefixes[l]) crossed += c * (testPrefixes[l].get(key) ?? 0);
    // Every (validation of u, test of v) with v != u: all crossings less the users' own pairs.
    return { depth: l + 1, users: n === 0 ? 0 : agreeing / n, random: n < 2 ? 0 : (crossed - agreeing) / (n * (n - 1)) };
  });
}

function prefixKey(codes: ArrayLike<number>, last: number): string {
  let key = String(codes[0]);
  for (let l = 1; l <= last; l++) key += ',' + codes[l];
  return key;
}

function count(into: Map<string, number>, key: string): void {
  into.set(key, (into.get(key) ?? 0) + 1);
}
