/**
 * Contexts for collaborative pair mining (design §4 "Pairs").
 *
 * A context is a set of items that a user touched close together in time: every
 * window of `window` consecutive items of the user's TRAINING sequence, sliding by
 * one; a sequence shorter than the window is one context; `window: 0` makes the whole
 * training sequence one context. An empty sequence has no context. Within a context an
 * item counts once (set semantics), so a user who re-buys an item does not inflate
 * its counts.
 */

/**
 * Called once per context with the context's distinct items, sorted ascending, in
 * `items[0..length)`. The buffer is reused for the next context: copy what you keep.
 */
export type ContextVisitor = (items: Int32Array, length: number) => void;

/** Throws a RangeError unless `window` is an integer >= 0. */
export function checkWindow(window: number): void {
  if (!Number.isInteger(window) || window < 0) {
    throw new RangeError(`window must be an integer >= 0 (0 = whole sequence), got ${window}`);
  }
}

/** The number of items one context of this sequence spans before deduplication. */
function spanOf(sequenceLength: number, window: number): number {
  return window === 0 || sequenceLength <= window ? sequenceLength : window;
}

/** The number of contexts a sequence of this length yields. */
export function contextsInSequence(sequenceLength: number, window: number): number {
  if (sequenceLength === 0) return 0;
  return sequenceLength - spanOf(sequenceLength, window) + 1;
}

/**
 * Visits every context of every training sequence, in order (sequence by sequence,
 * window start by window start). Returns the number of contexts visited.
 * Pass training sequences only (`UserSequences.train`): a validation or test item
 * that leaks into the pairs leaks into the evaluation.
 */
export function forEachContext(
  trainSequences: readonly Int32Array[],
  window: number,
  visit: ContextVisitor,
): number {
  checkWindow(window);
  let longest = 0;
  for (const seq of trainSequences) longest = Math.max(longest, spanOf(seq.length, window));
  const scratch = new Int32Array(Math.max(1, longest));
  let contexts = 0;
  for (const seq of trainSequences) {
    const span = spanOf(seq.length, window);
    const starts = contextsInSequence(seq.length, window);
    for (let s = 0; s < starts; s++) {
      for (let i = 0; i < span; i++) scratch[i] = seq[s + i];
      visit(scratch, sortUnique(scratch, span));
      contexts++;
    }
  }
  return contexts;
}

/** Sorts `a[0..n)` ascending and drops repeats in place; returns the distinct count. */
export function sortUnique(a: Int32Array, n: number): number {
  if (n <= 32) {
    // Insertion sort: windows are short (default 5), and this avoids a subarray per window.
    for (let i = 1; i < n; i++) {
      const v = a[i];
      let j = i - 1;
      while (j >= 0 && a[j] > v) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
  } else {
    a.subarray(0, n).sort();
  }
  let m = n > 0 ? 1 : 0;
  for (let i = 1; i < n; i++) if (a[i] !== a[m - 1]) a[m++] = a[i];
  return m;
}
