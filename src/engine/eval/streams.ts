/**
 * Named random streams of the evaluation, derived like every engine stream
 * (Random.derive): each (seed, purpose) pair gets its own generator, so adding a draw
 * in one place never shifts another.
 */
import { Random, type StreamPurpose } from '../util/random';

export function evalRandom(seed: number, purpose: StreamPurpose): Random {
  return Random.derive(seed, purpose);
}
