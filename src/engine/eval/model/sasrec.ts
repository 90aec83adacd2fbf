/**
 * SASRec with a full-softmax cross-entropy loss (the strong non-generative baseline of
 * design §5): one embedding per item, the same causal transformer as the generative
 * retriever, and scores = output · item embeddings (tied) over the whole catalog.
 * Trained with BCE and sampled negatives it sits far below this version.
 */
import type { TF, Tensor, Tensor2D, Variable } from '../../tf/types';
import type { Random } from '../../util/random';
import { dense } from '../../model/mlp';
import { CausalTransformer, normal, type DropoutSeeds, type TransformerShape } from './causalTransformer';
import { crossEntropy } from './generativeRetriever';
import { gatherRowsScatterGrad } from './rowGather';
import type { SequenceBatch } from './sequenceBatch';
import { MAX_CUTOFF } from '../metrics';
import type { RankedBatch, SequenceRanker } from '../ranker';

export class SasRec implements SequenceRanker {
  readonly backbone: CausalTransformer;
  readonly itemTable: Variable;

  constructor(
    private readonly tf: TF,
    shape: TransformerShape,
    readonly items: number,
    random: Random,
  ) {
    this.backbone = new CausalTransformer(tf, shape, random);
    this.itemTable = tf.variable(normal(tf, random, [items, shape.dModel], 0.02));
  }

  get variables(): Variable[] {
    return [...this.backbone.variables, this.itemTable];
  }

  private logits(batch: SequenceBatch, dropout: DropoutSeeds): Tensor2D {
    const tf = this.tf;
    const inputRows = Int32Array.from(batch.items, (i) => Math.max(0, i));
    const inputs = gatherRowsScatterGrad(tf, this.itemTable as Tensor2D, inputRows);
    const out = this.backbone.forward(inputs, batch, dropout);
    const context = gatherRowsScatterGrad(tf, out, batch.targetSlots);
    // context · tableᵀ: an explicit transpose and the engine's dense op (untransposed products both ways on wasm).
    return dense(tf, context, tf.transpose(this.itemTable as Tensor2D), tf.zeros([this.items]), false);
  }

  loss(batch: SequenceBatch, dropout: DropoutSeeds): Tensor {
    return crossEntropy(this.tf, this.logits(batch, dropout), batch.targets);
  }

  rank(batch: SequenceBatch): RankedBatch {
    return { items: this.topItems(batch, Math.min(MAX_CUTOFF, this.items)), width: Math.min(MAX_CUTOFF, this.items), invalid: 0, generated: 0 };
  }

  /** The `width` highest-scoring items per row, best first. */
  topItems(batch: SequenceBatch, width: number): Int32Array {
    const tf = this.tf;
    const top = tf.tidy(() => tf.topk(this.logits(batch, null), width).indices);
    const out = new Int32Array(top.dataSync() as Int32Array);
    top.dispose();
    return out;
  }
}
