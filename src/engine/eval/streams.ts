/**
 * Named random streams of the evaluation: each (seed, purpose) pair gets its own
 * generator, so adding a draw in one place never shifts another (the engine's
 * trainer derives its streams from its own seed the same way).
 */
import { Random } from '../util/random';

export function evalRandom(seed: number, purpose: string): Random {
  // FNV-1a over the purpose, mixed with the seed: distinct purposes, distinct streams.
  let h = 0x811c9dc5;
  for (let i = 0; i < purpose.length; i++) {
    h ^= purpose.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return new Random((h ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}
