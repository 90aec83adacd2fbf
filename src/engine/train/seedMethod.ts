import type { CollabChance } from '../../protocol';
import type { ExperimentConfig } from '../config/experiment';
import type { EmbeddingMatrix, UserSequences } from '../data/types';
import type { TF, Tensor, Tensor1D, Tensor2D } from '../tf/types';
import type { RqVae, RqVaeForward } from '../model/rqvae';
import type { Optimizer } from '../model/optimizer';
import { quantize } from '../model/residualQuantizer';
import { Random } from '../util/random';
import { PairSampler, writePairs, type MinedPairs } from '../pairs';
import { duplicateMasks, inBatchAccuracy, symmetricInfoNce, straightThroughQuantized } from '../method/infoNce';
import { keptPairs } from '../pairs/readPairsFile';
import { balanceLossFromDistances } from '../method/balanceLoss';
import { codeImbalance } from '../method/codeImbalance';
import { GradientReference, probeGradient, scaleGradientBy, scaleGradientTo } from '../method/gradientRatio';
import { alignmentTargets, type AlignmentTargets } from '../method/alignmentTargets';
import { squaredDistances } from '../method/codeDistances';
import { detach } from '../model/residualQuantizer';
import { DeadCodeTracker, reinitDeadCodes, type DeadCodeTrackerState } from '../method/deadCodes';
import { coherence, type CoherenceAtDepth } from '../diagnostics/codebookStats';
import type { StepReport, TrainingSink } from './trainingSink';

/**
 * The seed's additions to the RQ-VAE step (design §4): the collaborative InfoNCE term
 * over informative pairs, the balance loss, and dead-code detection / re-initialisation.
 * The trainer asks it for extra loss terms inside the gradient tape and hands it each
 * step's codes afterwards.
 */
export class SeedMethod {
  private readonly tracker: DeadCodeTracker;
  private readonly pairRandom: Random;
  private readonly reinitRandom: Random;
  private sampler: PairSampler | null = null;
  private pairA: Float32Array | null = null;
  private pairB: Float32Array | null = null;
  /** `collab.weighting` / `balance.weighting: gradient`: the RQ-VAE loss's gradient norm at z (moving average). */
  private readonly latentGradient = new GradientReference();
  private pendingLatentNorm: Tensor | null = null;
  private pendingCollabNorm: Tensor | null = null;
  private pendingAlignNorm: Tensor | null = null;
  /** The weight the collaborative term effectively had in the last step (its gradient's scale). */
  private effectiveWeight: number;
  /** `collab.objective: items | both`: each item's fixed co-occurrence vector, and the alignment's effective weight. */
  private targets: AlignmentTargets | null = null;
  private alignWeight: number;
  private pendingBalanceNorm: Tensor | null = null;
  /** The weight the balance term effectively had in the last step (fixed: balance.weight). */
  private balanceWeight: number;
  /** `balance.fade`: each level's code imbalance in the last batch (codeImbalance.ts); 1 (full pull) before the first. */
  private balanceFades: number[];

  private constructor(
    private readonly tf: TF,
    private readonly config: ExperimentConfig,
    private readonly model: RqVae,
    private readonly optimizer: Optimizer,
    private readonly features: EmbeddingMatrix,
    private readonly interactions: UserSequences | null,
  ) {
    const seed = config.train.seed;
    this.pairRandom = Random.derive(seed, 'pair-sampler');
    this.reinitRandom = Random.derive(seed, 'dead-code-reinit');
    this.tracker = new DeadCodeTracker(config.model.codebook_size, config.dead_codes.window, config.dead_codes.min_usage);
    const objective = config.collab.objective;
    const fixedWeight = config.collab.weighting === 'gradient' ? 0 : config.collab.weight;
    this.effectiveWeight = objective === 'items' ? 0 : fixedWeight;
    this.alignWeight = objective === 'pairs' ? 0 : fixedWeight;
    this.balanceWeight = config.balance.weighting === 'gradient' ? 0 : config.balance.weight;
    this.balanceFades = model.codebooks.map(() => 1);
  }

  /** Mines the pairs (when the collaborative term is on) and writes them to the run directory. */
  static async create(
    tf: TF,
    config: ExperimentConfig,
    model: RqVae,
    optimizer: Optimizer,
    features: EmbeddingMatrix,
    interactions: UserSequences | null,
    itemIds: string[],
    runDir: string,
    sink: TrainingSink,
    step: number,
  ): Promise<SeedMethod> {
    const method = new SeedMethod(tf, config, model, optimizer, features, interactions);
    if (config.collab.weight > 0) {
      const pairsFile = config.collab.pairs.file;
      if (!interactions && !pairsFile) throw new Error('collab.weight > 0 needs data.interactions (the pairs come from user sequences) or collab.pairs.file');
      const t0 = Date.now();
      // Only the training part: validation and test items never reach the pairs.
      const mined = keptPairs(interactions?.train ?? [], itemIds, config.collab.pairs);
      await writePairs(runDir, mined, itemIds);
      sink.emit(pairsEvent(mined, step));
      sink.log('info', pairsFile ? `${mined.kept} pairs read from ${pairsFile}` : `pairs mined in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      if (mined.kept === 0) throw new Error(`no pair passed ${mined.criterion} >= ${mined.threshold}: lower collab.pairs.threshold or min_count`);
      method.sampler = new PairSampler(mined, config.collab.pairs_per_step, method.pairRandom);
      method.pairA = new Float32Array(config.collab.pairs_per_step * features.dim);
      method.pairB = new Float32Array(config.collab.pairs_per_step * features.dim);
      if (config.collab.objective !== 'pairs') {
        const t0 = Date.now();
        // From the same kept pairs, so the informativeness criterion still decides what counts as co-occurring.
        const purpose = 'cooccurrence-svd/alignment' as const;
        method.targets = alignmentTargets(mined, itemIds.length, config.model.latent_dim, Random.derive(config.train.seed, purpose), config.collab.similarity === 'centred');
        sink.log('info', `alignment targets: co-occurrence vectors of ${method.targets.count} items (${config.model.latent_dim} dims) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        if (method.targets.count < 2) throw new Error('collab.objective: items needs at least 2 items with a kept pair');
      }
    }
    return method;
  }

  private get collabOn(): boolean {
    return this.sampler !== null;
  }

  private get gradientWeighted(): boolean {
    return this.collabOn && this.config.collab.weighting === 'gradient';
  }

  /** `balance.weighting: gradient` with the term on. */
  private get balanceGradientWeighted(): boolean {
    return this.balanceOn && this.config.balance.weighting === 'gradient';
  }

  /**
   * Given to RqVae.forward: with `collab.weighting` or `balance.weighting: gradient`, an
   * identity on the item batch's z that reads the RQ-VAE loss's gradient norm there;
   * otherwise z as is.
   */
  readonly wrapLatent = (z: Tensor2D): Tensor2D =>
    this.gradientWeighted || this.balanceGradientWeighted ? probeGradient(this.tf, z, (norm) => this.replacePending('latent', norm)) : z;

  private replacePending(which: 'latent' | 'collab' | 'align' | 'balance', norm: Tensor): void {
    const slot = ({ latent: 'pendingLatentNorm', collab: 'pendingCollabNorm', align: 'pendingAlignNorm', balance: 'pendingBalanceNorm' } as const)[which];
    this[slot]?.dispose();
    this[slot] = norm;
  }

  private get pairsTrained(): boolean {
    return this.config.collab.objective !== 'items';
  }

  /**
   * After the step's backward pass: reads the gradient norms that the probes kept
   * (gradient weighting only). The collaborative term's gradient of this step was
   * scaled to weight x the reference from earlier steps; the reference then takes in
   * this step's RQ-VAE gradient norm.
   */
  afterBackward(): void {
    const read = (t: Tensor | null): number | null => (t ? (t.dataSync() as Float32Array)[0] : null);
    const latent = read(this.pendingLatentNorm);
    const collab = read(this.pendingCollabNorm);
    const align = read(this.pendingAlignNorm);
    const balance = read(this.pendingBalanceNorm);
    for (const t of [this.pendingLatentNorm, this.pendingCollabNorm, this.pendingAlignNorm, this.pendingBalanceNorm]) t?.dispose();
    this.pendingLatentNorm = this.pendingCollabNorm = this.pendingAlignNorm = this.pendingBalanceNorm = null;
    if (this.gradientWeighted) {
      const target = this.collabGradientTarget();
      this.effectiveWeight = collab && collab > 0 ? target / collab : 0;
      this.alignWeight = align && align > 0 ? target / align : 0;
    }
    if (this.balanceGradientWeighted) {
      // The balance loss enters with factor 1: its latent gradient's norm per unit of loss.
      const target = this.balanceGradientTarget();
      this.balanceWeight = balance && balance > 0 ? target / balance : 0;
    }
    if (latent !== null) this.latentGradient.record(latent);
  }

  /** Norm the balance term's gradient at the latent is scaled to this step (0 before the first measurement). */
  private balanceGradientTarget(): number {
    return this.config.balance.weight * this.balanceShare() * (this.latentGradient.current ?? 0);
  }

  /** Each level's factor on its balance loss: its imbalance with `balance.fade`, else 1. */
  private balanceFactors(): number[] {
    return this.config.balance.fade ? this.balanceFades : this.balanceFades.map(() => 1);
  }

  /** The mean of balanceFactors: the share of the term's pull that remains. */
  private balanceShare(): number {
    const factors = this.balanceFactors();
    return factors.reduce((s, f) => s + f, 0) / factors.length;
  }

  /** Norm the collaborative gradient is scaled to this step: weight x the reference (0 before the first measurement). */
  private collabGradientTarget(): number {
    return this.config.collab.weight * (this.latentGradient.current ?? 0);
  }

  private get balanceOn(): boolean {
    return this.config.balance.weight > 0;
  }

  /** Whether step `step` (1-based) closes a dead-code window with re-initialisation on. */
  wantsResiduals(step: number): boolean {
    return this.config.dead_codes.reinit && step % this.config.dead_codes.window === 0;
  }

  /**
   * Extra terms for this step, inside the gradient tape: `total` is their weighted sum
   * (a 1-element tensor), `report` the unweighted values for the losses event
   * (collab and its in-batch accuracy [2] when on, the alignment [1] when
   * `collab.objective` has it, then balance [L] when on). `items`: the catalog rows of
   * the batch, in batch order.
   */
  lossTerms(fwd: RqVaeForward, items: Int32Array): { total: Tensor1D; report: Tensor[] } {
    const tf = this.tf;
    const report: Tensor[] = [];
    let total = tf.zeros([1]) as Tensor1D;
    if (this.sampler && this.pairA && this.pairB) {
      const { a, b } = this.sampler.next();
      const dim = this.features.dim;
      fillRows(this.features, a, this.pairA);
      fillRows(this.features, b, this.pairB);
      const rows = a.length;
      const za = this.model.encode(tf.tensor2d(this.pairA, [rows, dim]));
      const zb = this.model.encode(tf.tensor2d(this.pairB, [rows, dim]));
      const side = (z: Tensor2D): Tensor2D =>
        this.config.collab.target === 'latent' ? z : straightThroughQuantized(tf, z, quantize(tf, z, this.model.codebooks).quantized);
      let [sa, sb] = [side(za), side(zb)];
      if (this.gradientWeighted && this.pairsTrained) {
        // One op over both sides, so their gradient is scaled as one (its Frobenius norm).
        const both = scaleGradientTo(tf, tf.concat([sa, sb], 0) as Tensor2D, this.collabGradientTarget(), (norm) => this.replacePending('collab', norm));
        sa = tf.slice(both, [0, 0], [rows, -1]) as Tensor2D;
        sb = tf.slice(both, [rows, 0], [rows, -1]) as Tensor2D;
      }
      // A batch repeats popular items: their other copies are not negatives.
      const options = { centred: this.config.collab.similarity === 'centred', duplicates: duplicateMasks(tf, a, b) ?? undefined };
      const collab = symmetricInfoNce(tf, sa, sb, this.config.collab.temperature, options).reshape([1]);
      report.push(collab, inBatchAccuracy(tf, sa, sb, options));
      // With gradient weighting the scale op sets the pull; the factor here would be normalised away.
      // `items`: measured and reported only (not in the loss, so no gradient).
      if (this.pairsTrained) total = tf.add(total, this.gradientWeighted ? collab : tf.mul(collab, this.config.collab.weight)) as Tensor1D;
    }
    if (this.targets) {
      const align = this.alignmentLoss(fwd, items);
      report.push(align);
      total = tf.add(total, this.gradientWeighted ? align : tf.mul(align, this.config.collab.weight)) as Tensor1D;
    }
    if (this.balanceOn) {
      const temperature = { value: this.config.balance.temperature, mode: this.config.balance.temperature_mode };
      const distances = this.balanceGradientWeighted ? this.balanceDistances(fwd) : fwd.quantizer.levels.map((level) => level.distances);
      const perLevel = fwd.quantizer.levels.map((level, l) =>
        balanceLossFromDistances(tf, distances[l], level.codes, this.config.model.codebook_size[l], temperature).reshape([1]),
      );
      const stacked = tf.concat(perLevel);
      report.push(stacked);
      // With gradient weighting the scale ops set the pull; the factors (balance.fade) set each level's part in it.
      const faded = tf.mean(tf.mul(stacked, tf.tensor1d(this.balanceFactors())));
      total = tf.add(total, this.balanceGradientWeighted ? faded : tf.mul(faded, this.config.balance.weight)) as Tensor1D;
    }
    return { total, report };
  }

  /**
   * `collab.objective: items | both`: the batch's items that have a co-occurrence vector,
   * each aligned with its own vector against the others' (symmetric in-batch InfoNCE, the
   * pair term's temperature; centred: z minus the batch mean, against centred targets).
   * A 1-element tensor; 0 (no gradient) when fewer than 2 batch items have a target.
   */
  private alignmentLoss(fwd: RqVaeForward, items: Int32Array): Tensor1D {
    const tf = this.tf;
    const targets = this.targets as AlignmentTargets;
    const positions: number[] = [];
    for (let i = 0; i < items.length; i++) if (targets.has[items[i]]) positions.push(i);
    if (positions.length < 2) return tf.zeros([1]) as Tensor1D;
    const dim = targets.dim;
    const rows = new Float32Array(positions.length * dim);
    positions.forEach((p, i) => rows.set(targets.data.subarray(items[p] * dim, (items[p] + 1) * dim), i * dim));
    // z before the gradient probe: the alignment's gradient must not count in the reference.
    const z = fwd.encoded;
    const full = this.config.collab.target === 'latent' ? z : straightThroughQuantized(tf, z, fwd.quantizer.quantized);
    // A one-hot selection product rather than tf.gather: gather's gradient has no wasm kernel.
    const select = new Float32Array(positions.length * items.length);
    positions.forEach((p, i) => (select[i * items.length + p] = 1));
    let side = tf.matMul(tf.tensor2d(select, [positions.length, items.length]), full) as Tensor2D;
    if (this.gradientWeighted) side = scaleGradientTo(tf, side, this.collabGradientTarget(), (norm) => this.replacePending('align', norm));
    if (this.config.collab.similarity === 'centred') side = tf.sub(side, tf.mean(side, 0, true)) as Tensor2D;
    return symmetricInfoNce(tf, side, tf.tensor2d(rows, [positions.length, dim]), this.config.collab.temperature).reshape([1]) as Tensor1D;
  }

  /**
   * `balance.weighting: gradient`: every level's distances again, from a branch of z that
   * the latent probe does not see (so the reference stays the RQ-VAE loss's alone),
   * whose gradient is scaled to weight x the reference, and from codebooks whose balance
   * gradient takes the factor the latent got the step before. Level l's residual is z
   * minus the codes chosen above it, as in the quantizer.
   */
  private balanceDistances(fwd: RqVaeForward): Tensor2D[] {
    const tf = this.tf;
    const z = scaleGradientTo(tf, fwd.encoded, this.balanceGradientTarget(), (norm) => this.replacePending('balance', norm));
    return fwd.quantizer.levels.map((level, l) => {
      const residual = l === 0 ? z : (tf.add(z, detach(tf, tf.sub(level.residual, fwd.z))) as Tensor2D);
      return squaredDistances(tf, residual, scaleGradientBy(tf, this.model.codebooks[l] as Tensor2D, this.balanceWeight));
    });
  }

  /** Splits the tail of the step's loss vector written by lossTerms' report. */
  readReport(tail: Float32Array): { collab: number | null; collabAccuracy: number | null; collabChance: CollabChance | null; collabAlign: number | null; balance: number[] | null } {
    let at = 0;
    const collab = this.collabOn ? tail[at++] : null;
    const collabAccuracy = this.collabOn ? tail[at++] : null;
    const collabAlign = this.targets ? tail[at++] : null;
    const pairs = this.config.collab.pairs_per_step;
    const collabChance = this.collabOn ? { loss: Math.log(pairs), accuracy: 1 / pairs } : null;
    const balance = this.balanceOn ? Array.from(tail.subarray(at, at + this.model.levels)) : null;
    return { collab, collabAccuracy, collabChance, collabAlign, balance };
  }

  /** The weighted contribution of the extra terms to the total loss. */
  weightedExtra(collab: number | null, balance: number[] | null, align: number | null = null): number {
    let extra = 0;
    if (collab !== null) extra += this.effectiveWeight * collab;
    if (align !== null) extra += this.alignWeight * align;
    if (balance !== null && balance.length) {
      const factors = this.balanceFactors();
      extra += (this.balanceWeight * balance.reduce((s, v, l) => s + factors[l] * v, 0)) / balance.length;
    }
    return extra;
  }

  /** Dead-code bookkeeping after step `step` (1-based); re-initialises when configured. */
  afterStep(step: number, report: StepReport, sink: TrainingSink): void {
    const levels = this.model.levels;
    const rows = report.codes.length / levels;
    const column = new Int32Array(rows);
    for (let l = 0; l < levels; l++) {
      for (let i = 0; i < rows; i++) column[i] = report.codes[i * levels + l];
      this.tracker.record(l, column);
      if (this.config.balance.fade) this.balanceFades[l] = codeImbalance(column, this.config.model.codebook_size[l]);
    }
    const found = this.tracker.endStep(step);
    if (found) {
      const reinit = this.config.dead_codes.reinit && report.residuals !== null;
      const variables = this.model.variables();
      for (const { level, codes } of found) {
        if (reinit && report.residuals) {
          reinitDeadCodes(this.tf, this.model.codebooks[level], codes, report.residuals[level], this.reinitRandom);
          this.optimizer.resetRows(variables.indexOf(this.model.codebooks[level]), codes);
        }
        sink.emit({ type: 'dead_codes', time: new Date().toISOString(), step, level, codes, action: reinit ? 'reinit' : 'alert' });
      }
    }
    if (report.residuals) for (const r of report.residuals) r.dispose();
  }

  /** Coherence of the final IDs with user behaviour (design §4), or null without interactions. */
  coherence(codes: Int32Array, levels: number): CoherenceAtDepth[] | null {
    if (!this.interactions) return null;
    return coherence((i) => codes.subarray(i * levels, (i + 1) * levels), this.interactions, levels);
  }

  getState(): Record<string, unknown> {
    return {
      tracker: this.tracker.getState(),
      pairRandom: this.pairRandom.getState(),
      reinitRandom: this.reinitRandom.getState(),
      latentGradient: this.latentGradient.getState(),
      balanceWeight: this.balanceWeight,
      balanceFades: this.balanceFades,
    };
  }

  setState(state: Record<string, unknown>): void {
    if (state.tracker) this.tracker.setState(state.tracker as DeadCodeTrackerState);
    if (Array.isArray(state.pairRandom)) this.pairRandom.setState(state.pairRandom as number[]);
    if (Array.isArray(state.reinitRandom)) this.reinitRandom.setState(state.reinitRandom as number[]);
    this.latentGradient.setState(state.latentGradient);
    if (this.balanceGradientWeighted && typeof state.balanceWeight === 'number' && Number.isFinite(state.balanceWeight)) this.balanceWeight = state.balanceWeight;
    const fades = state.balanceFades;
    if (Array.isArray(fades) && fades.length === this.balanceFades.length && fades.every((f) => typeof f === 'number' && Number.isFinite(f))) this.balanceFades = fades as number[];
  }
}

function fillRows(features: EmbeddingMatrix, rows: Int32Array, out: Float32Array): void {
  const dim = features.dim;
  for (let i = 0; i < rows.length; i++) out.set(features.data.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
}

function pairsEvent(mined: MinedPairs, step: number): Extract<import('../../protocol').EngineEvent, { type: 'pairs' }> {
  return {
    type: 'pairs',
    time: new Date().toISOString(),
    step,
    criterion: mined.criterion,
    threshold: Number.isFinite(mined.threshold) ? mined.threshold : null,
    contexts: mined.contexts,
    candidates: mined.candidates,
    kept: mined.kept,
    histogram: { edges: mined.histogram.edges, counts: mined.histogram.counts },
  };
}
