/**
 * The generative retriever over semantic-ID tokens (design §5, TIGER-style).
 *
 * Decoder-only, item by item: a history item enters as the sum of its L+1 token
 * embeddings (one table per code level plus one for the collision digit), a causal
 * transformer reads the history, and the next item's tokens are generated one at a
 * time from the output at the last slot: token l's logits come from that output plus
 * the embeddings of the tokens already chosen (a per-position MLP head, one softmax
 * per position). This is the default retriever (`eval.retrieval.architecture: decoder`);
 * the TIGER-style encoder-decoder (encoderDecoderRetriever.ts) is the alternative. Why
 * this one by default: on a 2-core CPU the causal model learns from every position of a
 * training window in one pass (SASRec-style) and reads one vector per item instead of
 * L+1 tokens, while the encoder-decoder re-encodes each target's whole history. Measured
 * on the Scientific example at equal epochs (studies/retrieval/README.md, "Decoder-only
 * vs encoder-decoder", one seed) the encoder-decoder was clearly better at equal epochs
 * (4 each: test Recall@10 .102 vs .053) at 16x the CPU; at equal compute it was not (this
 * model's 30 epochs on 40% of that CPU: .101, paired difference +.001 [-.010, +.013]).
 * This model also
 * shares its backbone with the SASRec baseline, so the two differ only in how an item
 * is named.
 */
import type { TF, Tensor, Tensor1D, Tensor2D, Variable } from '../../tf/types';
import type { Random } from '../../util/random';
import { dense } from '../../model/mlp';
import { CausalTransformer, layerNorm, layerNormParams, linear, normal, type DropoutSeeds, type TransformerShape } from './causalTransformer';
import { gatherRows, gatherRowsScatterGrad } from './rowGather';
import type { SequenceBatch } from './sequenceBatch';
import type { SemanticIdTrie } from '../semanticIdTrie';
import { rankedBatch, trieBeamSearch, type BeamResult } from './trieBeamSearch';
import type { RankedBatch, SequenceRanker } from '../ranker';

export type { BeamResult };

interface TokenHead {
  norm: [Variable, Variable];
  hidden: [Variable, Variable];
  logits: [Variable, Variable];
}

export class GenerativeRetriever implements SequenceRanker {
  readonly backbone: CausalTransformer;
  /** Per token position: the input table (history items) and the table of already generated tokens. */
  private readonly inputTables: Variable[];
  private readonly prefixTables: Variable[];
  private readonly heads: TokenHead[];
  /** items x depth tokens (the full IDs), for building inputs and targets. */
  private readonly tokens: Int32Array;
  readonly depth: number;

  constructor(
    private readonly tf: TF,
    shape: TransformerShape,
    readonly trie: SemanticIdTrie,
    sids: ArrayLike<number>[],
    random: Random,
    /** Beam width when ranking (>= the largest cutoff). */
    readonly beams: number,
  ) {
    this.depth = trie.depth;
    this.tokens = new Int32Array(sids.length * this.depth);
    sids.forEach((sid, i) => {
      for (let p = 0; p < this.depth; p++) this.tokens[i * this.depth + p] = sid.length === this.depth ? sid[p] : 0;
    });
    this.backbone = new CausalTransformer(tf, shape, random);
    const d = shape.dModel;
    this.inputTables = trie.vocab.map((k) => tf.variable(normal(tf, random, [k, d], 0.02)));
    this.prefixTables = trie.vocab.map((k) => tf.variable(normal(tf, random, [k, d], 0.02)));
    this.heads = trie.vocab.map((k) => ({ norm: layerNormParams(tf, d), hidden: linear(tf, random, d, shape.ff), logits: linear(tf, random, shape.ff, k) }));
  }

  get variables(): Variable[] {
    const out = [...this.backbone.variables, ...this.inputTables, ...this.prefixTables];
    for (const h of this.heads) out.push(...h.norm, ...h.hidden, ...h.logits);
    return out;
  }

  /** Token `pos` of each item (padding -1 reads item 0's; padding outputs are never used). */
  private tokenColumn(items: ArrayLike<number>, pos: number): Int32Array {
    const out = new Int32Array(items.length);
    for (let i = 0; i < items.length; i++) out[i] = this.tokens[Math.max(0, items[i]) * this.depth + pos];
    return out;
  }

  /** The contextualised output at each target slot: targets x d. */
  private contexts(batch: SequenceBatch, dropout: DropoutSeeds): Tensor2D {
    const tf = this.tf;
    let inputs: Tensor2D | null = null;
    for (let p = 0; p < this.depth; p++) {
      const e = gatherRowsScatterGrad(tf, this.inputTables[p] as Tensor2D, this.tokenColumn(batch.items, p));
      inputs = inputs === null ? e : (tf.add(inputs, e) as Tensor2D);
    }
    const out = this.backbone.forward(inputs as Tensor2D, batch, dropout);
    return gatherRowsScatterGrad(tf, out, batch.targetSlots);
  }

  /** logits of token `pos` given contexts and the summed embeddings of the tokens before it. */
  private headLogits(pos: number, context: Tensor2D, prefix: Tensor2D | null): Tensor2D {
    const tf = this.tf;
    const h = this.heads[pos];
    const u = prefix === null ? context : (tf.add(context, prefix) as Tensor2D);
    const hidden = dense(tf, layerNorm(tf, u, h.norm), h.hidden[0] as Tensor2D, h.hidden[1] as Tensor1D, true);
    return dense(tf, hidden, h.logits[0] as Tensor2D, h.logits[1] as Tensor1D, false);
  }

  /** Mean over target slots of the summed cross-entropy of the L+1 tokens (teacher forcing). */
  loss(batch: SequenceBatch, dropout: DropoutSeeds): Tensor {
    const tf = this.tf;
    const context = this.contexts(batch, dropout);
    let prefix: Tensor2D | null = null;
    let total: Tensor | null = null;
    for (let p = 0; p < this.depth; p++) {
      const logits = this.headLogits(p, context, prefix);
      const target = this.tokenColumn(batch.targets, p);
      const ce = crossEntropy(tf, logits, target);
      total = total === null ? ce : tf.add(total, ce);
      const chosen = gatherRowsScatterGrad(tf, this.prefixTables[p] as Tensor2D, target);
      prefix = prefix === null ? chosen : (tf.add(prefix, chosen) as Tensor2D);
    }
    return total as Tensor;
  }

  rank(batch: SequenceBatch): RankedBatch {
    return rankedBatch(this.beamSearch(batch, this.beams));
  }

  /** Trie-constrained beam search (trieBeamSearch.ts) from each row's last slot. */
  beamSearch(batch: SequenceBatch, beams: number): BeamResult {
    const tf = this.tf;
    const context = tf.tidy(() => this.contexts(batch, null));
    try {
      return trieBeamSearch(this.trie, batch.rows, beams, (p, rowOf, prefixTokens) => {
        const logProbs = tf.tidy(() => {
          const ctx = gatherRows(tf, context, rowOf);
          let prefix: Tensor2D | null = null;
          for (let q = 0; q < p; q++) {
            const col = Int32Array.from(prefixTokens, (t) => t[q]);
            const e = gatherRows(tf, this.prefixTables[q] as Tensor2D, col);
            prefix = prefix === null ? e : (tf.add(prefix, e) as Tensor2D);
          }
          return tf.logSoftmax(this.headLogits(p, ctx, prefix));
        });
        const values = logProbs.dataSync() as Float32Array;
        const vocab = logProbs.shape[1] as number;
        logProbs.dispose();
        return { values, vocab };
      });
    } finally {
      context.dispose();
    }
  }
}

/**
 * mean_i [ logsumexp(logits_i) - logits_i[target_i] ], through logSoftmax: its
 * gradient (dy - softmax * sum dy) skips the max that logSumExp differentiates through
 * (a broadcast Equal per row, 12% of the retriever's step on wasm).
 */
export function crossEntropy(tf: TF, logits: Tensor2D, targets: Int32Array): Tensor {
  const k = logits.shape[1];
  const picked = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), k), 'float32');
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), picked), 1)));
}
