/**
 * The fused model input of `features.fuse: [cooccurrence]`: each item's content vector
 * followed by its co-occurrence vector (cooccurrence.ts), one row per item. The model
 * splits the row again (model/rqvae.ts `fuse`): the content part feeds the content
 * encoder and is what the decoder reconstructs; the co-occurrence part feeds its own
 * encoder.
 */
import type { EmbeddingMatrix, UserSequences } from '../data/types';
import { minePairs, type PairMiningOptions } from '../pairs';
import { readPairsFile } from '../pairs/readPairsFile';
import { Random } from '../util/random';
import { cooccurrenceFeatures } from './cooccurrence';

/** Width of the co-occurrence vectors: enough for the community structure of a catalog, small beside the content. */
export const COOCCURRENCE_DIM = 64;

export interface FusedInput {
  /** items x (content dim + fuseDim): content columns first. */
  features: EmbeddingMatrix;
  fuseDim: number;
  pairsKept: number;
  itemsWithPairs: number;
  rank: number;
}

/**
 * Mines the pairs with the experiment's `collab.pairs` settings from the TRAINING part
 * of the interactions only (validation and test items never reach the features), then
 * appends the co-occurrence vectors to the content rows.
 */
export function fuseCooccurrence(
  content: EmbeddingMatrix,
  interactions: UserSequences,
  pairs: PairMiningOptions & { file?: string | null },
  seed: number,
  itemIds?: readonly string[],
): FusedInput {
  // collab.pairs.file: the pairs mined elsewhere (they name items by catalog id).
  const mined = pairs.file && itemIds ? readPairsFile(pairs.file, itemIds) : minePairs(interactions.train, content.rows, pairs);
  // Its own random stream: adding the fused input must not shift the model's initialisation.
  const made = cooccurrenceFeatures(mined, content.rows, COOCCURRENCE_DIM, Random.derive(seed, 'cooccurrence-svd'));
  return {
    features: concatColumns(content, made.matrix),
    fuseDim: COOCCURRENCE_DIM,
    pairsKept: mined.kept,
    itemsWithPairs: made.itemsWithPairs,
    rank: made.rank,
  };
}

export function concatColumns(left: EmbeddingMatrix, right: EmbeddingMatrix): EmbeddingMatrix {
  if (left.rows !== right.rows) throw new Error(`concatColumns: ${left.rows} rows beside ${right.rows}`);
  const dim = left.dim + right.dim;
  const data = new Float32Array(left.rows * dim);
  for (let i = 0; i < left.rows; i++) {
    data.set(left.data.subarray(i * left.dim, (i + 1) * left.dim), i * dim);
    data.set(right.data.subarray(i * right.dim, (i + 1) * right.dim), i * dim + left.dim);
  }
  return { rows: left.rows, dim, data };
}
