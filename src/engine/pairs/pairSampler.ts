/**
 * Draws the collaborative term's batch of kept pairs each step (design §4
 * "Collaborative term": `pairs_per_step` pairs beside the item batch).
 *
 * Each batch is a uniform random set of distinct pairs (Floyd's algorithm) when at
 * least `batchSize` pairs were kept: duplicates in an InfoNCE batch would be false
 * negatives. With fewer pairs, every pair appears floor(batch/kept) times plus a
 * random distinct remainder. The order inside a batch is not uniform (Floyd's is
 * not), which InfoNCE, symmetric in the batch, does not see. Batches are independent draws, so the sampler has no
 * state of its own: restoring the Random (its getState/setState) restores the
 * stream of batches, which is what `--resume` needs.
 * No allocation per step: `next()` refills the same two arrays.
 */
import type { Random } from '../util/random';

export interface PairBatch {
  /** First items of the drawn pairs (overwritten by the next draw). */
  a: Int32Array;
  /** Second items, aligned with `a`. */
  b: Int32Array;
}

export class PairSampler {
  readonly batch: PairBatch;
  /** Stamp per pair: equal to `drawId` when the pair is already in the current draw. */
  private readonly taken: Uint32Array;
  private drawId = 0;

  constructor(
    private readonly pairs: { a: Int32Array; b: Int32Array },
    readonly batchSize: number,
    private readonly random: Random,
  ) {
    if (pairs.a.length !== pairs.b.length) throw new RangeError('pair columns a and b differ in length');
    if (pairs.a.length === 0) throw new RangeError('no collaborative pairs were kept: nothing to sample');
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`pairs_per_step must be an integer >= 1, got ${batchSize}`);
    }
    this.batch = { a: new Int32Array(batchSize), b: new Int32Array(batchSize) };
    this.taken = new Uint32Array(pairs.a.length);
  }

  /** Kept pairs available. */
  get size(): number {
    return this.pairs.a.length;
  }

  /** Whether every batch holds distinct pairs (enough pairs were kept). */
  get distinct(): boolean {
    return this.size >= this.batchSize;
  }

  /** Draws the next batch into `batch` and returns it. */
  next(): PairBatch {
    const k = this.size;
    const full = Math.floor(this.batchSize / k);
    let out = 0;
    // Fewer pairs than the batch: each pair whole times first, in order.
    for (let r = 0; r < full; r++) for (let p = 0; p < k; p++) this.put(out++, p);
    const rest = this.batchSize - out;
    if (rest === 0) return this.batch;
    this.newDraw();
    // Floyd: for j = k-rest .. k-1, take t ~ U[0, j], or j itself if t is taken; a uniform rest-subset.
    for (let j = k - rest; j < k; j++) {
      const t = this.random.int(j + 1);
      const p = this.taken[t] === this.drawId ? j : t;
      this.taken[p] = this.drawId;
      this.put(out++, p);
    }
    return this.batch;
  }

  private put(slot: number, pair: number): void {
    this.batch.a[slot] = this.pairs.a[pair];
    this.batch.b[slot] = this.pairs.b[pair];
  }

  private newDraw(): void {
    this.drawId = (this.drawId + 1) >>> 0;
    if (this.drawId === 0) {
      // Wrapped after 2^32 draws: stale stamps could collide, so clear them.
      this.taken.fill(0);
      this.drawId = 1;
    }
  }
}
