import type { UserSequences } from '../data/types';
import type { Random } from '../util/random';

export interface CoherenceAtDepth {
  depth: number;
  /** Share of users whose validation and test items agree on the first `depth` codes. */
  users: number;
  /** The same share for random pairs (one user's validation item, another's test item). */
  random: number;
}

/**
 * Collaborative coherence (design §4): do consecutive items of one user share leading
 * codes more often than chance? Only users with both a validation and a test item
 * count. The random baseline pairs each such user's validation item with the test
 * item of another such user drawn at random: items then appear as often as they
 * do in the real pairs, so popular items that share codes do not flatter the score.
 * `codesOf(i)` gives item i's codes (at least `levels` of them).
 */
export function coherence(
  codesOf: (item: number) => ArrayLike<number>,
  sequences: UserSequences,
  levels: number,
  random: Random,
): CoherenceAtDepth[] {
  const valid: number[] = [];
  const test: number[] = [];
  for (let u = 0; u < sequences.users.length; u++) {
    if (sequences.valid[u] >= 0 && sequences.test[u] >= 0) {
      valid.push(sequences.valid[u]);
      test.push(sequences.test[u]);
    }
  }
  const n = valid.length;
  const together = new Array<number>(levels).fill(0);
  const apart = new Array<number>(levels).fill(0);
  for (let u = 0; u < n; u++) {
    const a = codesOf(valid[u]);
    addSharedDepth(together, a, codesOf(test[u]), levels);
    if (n > 1) {
      let v = random.int(n - 1);
      if (v >= u) v++; // any user but u
      addSharedDepth(apart, a, codesOf(test[v]), levels);
    }
  }
  return together.map((count, l) => ({
    depth: l + 1,
    users: n === 0 ? 0 : count / n,
    random: n < 2 ? 0 : apart[l] / n,
  }));
}

/** Counts the pair at every depth 1..d where its first d codes agree. */
function addSharedDepth(into: number[], a: ArrayLike<number>, b: ArrayLike<number>, levels: number): void {
  if (a.length < levels || b.length < levels) throw new RangeError(`an item has fewer than ${levels} codes`);
  for (let l = 0; l < levels; l++) {
    if (a[l] !== b[l]) return;
    into[l]++;
  }
}
