/**
 * The fixed per-item targets of `collab.objective: items` (LETTER-style alignment, issue
 * 13): each item's co-occurrence vector, the PPMI + truncated SVD of the kept pairs
 * (features/cooccurrence.ts, the same construction as `features.fuse: [cooccurrence]`),
 * with as many columns as the latent so an item's z (or q) is compared with its target
 * directly. Items without a kept pair have no target and are left out of the term.
 *
 * Why per item and not per pair: a step draws P of ~131k Beauty pairs, so in a short run
 * every pair is seen about once and the pair term can only succeed by generalising
 * co-occurrence from the content (studies/collab/README.md); an item of the batch gets
 * its target every epoch.
 */
import { cooccurrenceFeatures, type CooccurrencePairs } from '../features/cooccurrence';
import type { Random } from '../util/random';

export interface AlignmentTargets {
  /** items x dim, row-major; unit rows for items with a target, zero rows otherwise. */
  data: Float32Array;
  dim: number;
  /** 1 where the item has a target (at least one kept pair). */
  has: Uint8Array;
  /** Items with a target. */
  count: number;
}

/**
 * Builds the targets. `centred`: the mean target row (over the items that have one) is
 * removed before the rows are normalised, so the common direction of the SVD (the
 * catalog's popularity axis) does not count as similarity, as `collab.similarity:
 * centred` does for the latents.
 */
export function alignmentTargets(pairs: CooccurrencePairs, itemCount: number, dim: number, random: Random, centred: boolean): AlignmentTargets {
  const made = cooccurrenceFeatures(pairs, itemCount, dim, random);
  const data = made.matrix.data;
  const has = new Uint8Array(itemCount);
  let count = 0;
  for (let i = 0; i < itemCount; i++) {
    for (let d = 0; d < dim; d++) {
      if (data[i * dim + d] !== 0) {
        has[i] = 1;
        count++;
        break;
      }
    }
  }
  if (centred && count > 0) {
    const mean = new Float64Array(dim);
    for (let i = 0; i < itemCount; i++) if (has[i]) for (let d = 0; d < dim; d++) mean[d] += data[i * dim + d] / count;
    for (let i = 0; i < itemCount; i++) {
      if (!has[i]) continue;
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        const v = data[i * dim + d] - mean[d];
        data[i * dim + d] = v;
        norm += v * v;
      }
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let d = 0; d < dim; d++) data[i * dim + d] *= scale;
    }
  }
  return { data, dim, has, count };
}
