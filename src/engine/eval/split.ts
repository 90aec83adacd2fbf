/**
 * The evaluation split (design §5, TIGER protocol) on top of the loaded interactions:
 * which users are evaluated, each one's validation and test case (history = the last
 * `maxHistory` items before the target), and the training windows a sequence model
 * learns from. Training windows are cut from the training part only, so no
 * validation or test target ever reaches training.
 */
import type { UserSequences } from '../data/types';

/** One user's next-item question: given `history` (oldest first), which item is `target`? */
export interface EvalCase {
  /** Index into EvalSplit.users. */
  user: number;
  history: Int32Array;
  target: number;
}

export interface EvalSplit {
  /** Evaluated users, in file order. */
  users: string[];
  /** Per evaluated user: the training part of the sequence, in time order. */
  train: Int32Array[];
  valid: EvalCase[];
  test: EvalCase[];
  /** Users left out: fewer than 3 known items, or no validation / test target. */
  skippedUsers: number;
  maxHistory: number;
}

export function evaluationSplit(sequences: UserSequences, maxHistory: number): EvalSplit {
  if (!Number.isInteger(maxHistory) || maxHistory < 1) throw new RangeError(`maxHistory must be a positive integer, got ${maxHistory}`);
  const split: EvalSplit = { users: [], train: [], valid: [], test: [], skippedUsers: 0, maxHistory };
  for (let u = 0; u < sequences.users.length; u++) {
    const train = sequences.train[u];
    const valid = sequences.valid[u];
    const test = sequences.test[u];
    const known = train.length + (valid >= 0 ? 1 : 0) + (test >= 0 ? 1 : 0);
    if (known < 3 || valid < 0 || test < 0 || train.length === 0) {
      split.skippedUsers += 1;
      continue;
    }
    const index = split.users.length;
    split.users.push(sequences.users[u]);
    split.train.push(train);
    split.valid.push({ user: index, history: lastItems(train, maxHistory), target: valid });
    const withValid = new Int32Array(train.length + 1);
    withValid.set(train);
    withValid[train.length] = valid;
    split.test.push({ user: index, history: lastItems(withValid, maxHistory), target: test });
  }
  return split;
}

function lastItems(items: Int32Array, n: number): Int32Array {
  return items.slice(Math.max(0, items.length - n));
}

/**
 * A stretch of one user's training sequence: a model reads items[0..t-1] and predicts
 * items[t] for every t >= 1 (one forward pass gives all of them, as in SASRec).
 */
export interface TrainingWindow {
  user: number;
  /** At most maxHistory + 1 items. */
  items: Int32Array;
}

/**
 * Cuts each training sequence into windows from its end backwards, so every training
 * item after the first is predicted exactly once, from up to `maxHistory` items before it.
 */
export function trainingWindows(split: EvalSplit): TrainingWindow[] {
  const out: TrainingWindow[] = [];
  const h = split.maxHistory;
  split.train.forEach((seq, user) => {
    let end = seq.length - 1;
    while (end >= 1) {
      const start = Math.max(0, end - h);
      out.push({ user, items: seq.slice(start, end + 1) });
      end = start;
    }
  });
  return out;
}
