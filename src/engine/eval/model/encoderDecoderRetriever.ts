/**
 * The TIGER-style encoder-decoder retriever (design §5; `eval.retrieval.architecture:
 * encoder-decoder`). The history is a sequence of semantic-ID tokens, L+1 per item
 * (one token table per code level plus the collision digit, as disjoint row blocks of
 * one variable so one gather embeds a whole sequence), with learned positions counted
 * back from the latest token (TIGER's T5 uses relative position biases instead); a
 * bidirectional encoder reads it. The decoder starts from a learned start vector,
 * attends causally over the tokens generated so far and across to the encoder's
 * output, and emits the next item's L+1 tokens (one output layer per position).
 * TIGER's user-ID token is left out, as in the decoder-only retriever.
 *
 * Training is TIGER's: every target slot of a training window becomes its own example
 * (the items before it as the encoder's input), so an epoch sees the same targets as
 * the decoder-only model's, at the encoder's cost of L+1 tokens per history item for
 * each of them. `layers` is the depth of the encoder and of the decoder each.
 */
import type { TF, Tensor, Tensor1D, Tensor2D, Variable } from '../../tf/types';
import type { Random } from '../../util/random';
import { dense } from '../../model/mlp';
import {
  CausalTransformer, attendProjected, attention, attentionParams, attentionVariables, drop, feedForward, feedForwardParams,
  layerNorm, layerNormParams, linear, normal, projectKeys, type AttentionLayout, type AttentionParams, type DropoutSeeds,
  type FeedForwardParams, type TransformerShape,
} from './causalTransformer';
import { gatherRows, gatherRowsScatterGrad } from './rowGather';
import type { SequenceBatch } from './sequenceBatch';
import type { SemanticIdTrie } from '../semanticIdTrie';
import { rankedBatch, trieBeamSearch, type BeamResult } from './trieBeamSearch';
import { crossEntropy } from './generativeRetriever';
import type { LossPart, RankedBatch, SequenceRanker } from '../ranker';

interface DecoderBlock {
  ln1: [Variable, Variable];
  self: AttentionParams;
  lnCross: [Variable, Variable];
  cross: AttentionParams;
  ln2: [Variable, Variable];
  feedForward: FeedForwardParams;
}

const BLOCKED = -1e9;

/** Training examples per encoder pass (and per gradient tape): more are cut into groups of similar history length (less padding). */
const GROUP_ROWS = 256;

/** The encoder's view of a batch of histories: token slots left-padded, key-padding mask. */
interface EncoderInput {
  layout: AttentionLayout;
  /** Per slot: its row in the token table (padding: 0, masked out). */
  tableRows: Int32Array;
}

export class EncoderDecoderRetriever implements SequenceRanker {
  readonly encoder: CausalTransformer;
  /** Encoder input tokens: position p's table is rows [offsets[p], offsets[p] + vocab[p]). */
  private readonly encoderTable: Variable;
  /** Decoder input tokens (positions 0..L-1; the last token is never an input). */
  private readonly decoderTable: Variable;
  private readonly offsets: number[];
  private readonly start: Variable;
  private readonly decoderPositions: Variable;
  private readonly blocks: DecoderBlock[] = [];
  private readonly decoderNorm: [Variable, Variable];
  private readonly outputs: [Variable, Variable][];
  /** items x depth tokens (the full IDs). */
  private readonly tokens: Int32Array;
  readonly depth: number;
  private readonly maxHistory: number;

  constructor(
    private readonly tf: TF,
    private readonly shape: TransformerShape,
    readonly trie: SemanticIdTrie,
    sids: ArrayLike<number>[],
    random: Random,
    /** Beam width when ranking (>= the largest cutoff). */
    readonly beams: number,
  ) {
    this.depth = trie.depth;
    this.maxHistory = shape.maxHistory;
    this.tokens = new Int32Array(sids.length * this.depth);
    sids.forEach((sid, i) => {
      for (let p = 0; p < this.depth; p++) this.tokens[i * this.depth + p] = sid.length === this.depth ? sid[p] : 0;
    });
    this.offsets = [];
    let rows = 0;
    for (const k of trie.vocab) {
      this.offsets.push(rows);
      rows += k;
    }
    const d = shape.dModel;
    this.encoder = new CausalTransformer(tf, { ...shape, maxHistory: shape.maxHistory * this.depth }, random);
    this.encoderTable = tf.variable(normal(tf, random, [rows, d], 0.02));
    this.decoderTable = tf.variable(normal(tf, random, [Math.max(1, rows - trie.vocab[this.depth - 1]), d], 0.02));
    this.start = tf.variable(normal(tf, random, [1, d], 0.02));
    this.decoderPositions = tf.variable(normal(tf, random, [this.depth, d], 0.02));
    for (let l = 0; l < shape.layers; l++) {
      const ln1 = layerNormParams(tf, d);
      const self = attentionParams(tf, random, d);
      const lnCross = layerNormParams(tf, d);
      const cross = attentionParams(tf, random, d);
      const ln2 = layerNormParams(tf, d);
      this.blocks.push({ ln1, self, lnCross, cross, ln2, feedForward: feedForwardParams(tf, random, d, shape.ff) });
    }
    this.decoderNorm = layerNormParams(tf, d);
    this.outputs = trie.vocab.map((k) => linear(tf, random, d, k));
  }

  get variables(): Variable[] {
    const out = [...this.encoder.variables, this.encoderTable, this.decoderTable, this.start, this.decoderPositions];
    for (const b of this.blocks) {
      out.push(...b.ln1, ...attentionVariables(b.self), ...b.lnCross, ...attentionVariables(b.cross), ...b.ln2, ...b.feedForward.ff1, ...b.feedForward.ff2);
    }
    out.push(...this.decoderNorm);
    for (const o of this.outputs) out.push(...o);
    return out;
  }

  /** Histories (items, oldest first, 1..maxHistory each) as the encoder's token slots. */
  private encoderInput(histories: Int32Array[]): EncoderInput {
    const depth = this.depth;
    const rows = histories.length;
    let items = 1;
    for (const h of histories) items = Math.max(items, h.length);
    const length = items * depth;
    const positions = new Int32Array(rows * length);
    const mask = new Float32Array(rows * length).fill(BLOCKED);
    const tableRows = new Int32Array(rows * length);
    const lastPosition = this.maxHistory * depth;
    for (let r = 0; r < rows; r++) {
      const h = histories[r];
      const first = (items - h.length) * depth;
      for (let s = 0; s < length; s++) positions[r * length + s] = lastPosition - length + s;
      for (let i = 0; i < h.length; i++) {
        for (let p = 0; p < depth; p++) {
          const slot = r * length + first + i * depth + p;
          tableRows[slot] = this.offsets[p] + this.tokens[h[i] * depth + p];
          mask[slot] = 0;
        }
      }
    }
    return { layout: { rows, length, positions, mask }, tableRows };
  }

  /** Encoder output: rows*length x d. */
  private encode(input: EncoderInput, dropout: DropoutSeeds): Tensor2D {
    const embedded = gatherRowsScatterGrad(this.tf, this.encoderTable as Tensor2D, input.tableRows);
    return this.encoder.forward(embedded, input.layout, dropout);
  }

  /** Decoder inputs for `rows` sequences of `length` slots: the start vector, then the embeddings of the tokens before each slot. */
  private decoderInputs(prefixes: ArrayLike<number>[], length: number, withGrad: boolean): Tensor2D {
    const tf = this.tf;
    const rows = prefixes.length;
    const d = this.shape.dModel;
    const starts = tf.tile(this.start, [rows, 1]) as Tensor2D;
    let x: Tensor2D;
    if (length === 1) {
      x = starts;
    } else {
      const index = new Int32Array(rows * (length - 1));
      prefixes.forEach((t, r) => {
        for (let p = 0; p < length - 1; p++) index[r * (length - 1) + p] = this.offsets[p] + t[p];
      });
      const gather = withGrad ? gatherRowsScatterGrad : gatherRows;
      const tokens = tf.reshape(gather(tf, this.decoderTable as Tensor2D, index), [rows, length - 1, d]);
      x = tf.reshape(tf.concat([tf.reshape(starts, [rows, 1, d]), tokens], 1), [rows * length, d]) as Tensor2D;
    }
    const positions = tf.slice(this.decoderPositions as Tensor2D, [0, 0], [length, d]);
    return tf.reshape(tf.add(tf.reshape(x, [rows, length, d]), positions), [rows * length, d]) as Tensor2D;
  }

  /**
   * The decoder over `rows` sequences of `length` slots, each attending across to its
   * own memory: `memory[l]` = the keys and values of layer l's cross-attention
   * (rows*memoryLength x d), `memoryMask` [rows, 1, 1, memoryLength].
   */
  private decode(x0: Tensor2D, rows: number, length: number, memory: { k: Tensor2D; v: Tensor2D }[], memoryLength: number, memoryMask: Tensor, dropout: DropoutSeeds): Tensor2D {
    const tf = this.tf;
    const { heads, dropout: rate } = this.shape;
    const causal = new Float32Array(length * length);
    for (let q = 0; q < length; q++) for (let k = q + 1; k < length; k++) causal[q * length + k] = BLOCKED;
    const selfMask = tf.tensor4d(causal, [1, 1, length, length]);
    let x = drop(tf, x0, rate, dropout);
    this.blocks.forEach((b, l) => {
      const h = layerNorm(tf, x, b.ln1);
      x = tf.add(x, drop(tf, attention(tf, b.self, h, h, rows, length, length, heads, selfMask), rate, dropout)) as Tensor2D;
      const c = layerNorm(tf, x, b.lnCross);
      const crossed = attendProjected(tf, b.cross, c, memory[l].k, memory[l].v, rows, length, memoryLength, heads, memoryMask);
      x = tf.add(x, drop(tf, crossed, rate, dropout)) as Tensor2D;
      x = tf.add(x, drop(tf, feedForward(tf, b.feedForward, layerNorm(tf, x, b.ln2)), rate, dropout)) as Tensor2D;
    });
    return layerNorm(tf, x, this.decoderNorm);
  }

  private logits(pos: number, hidden: Tensor2D): Tensor2D {
    const [w, b] = this.outputs[pos];
    return dense(this.tf, hidden, w as Tensor2D, b as Tensor1D, false);
  }

  /**
   * Mean over target slots of the summed cross-entropy of the L+1 tokens (teacher
   * forcing), as the decoder-only model's loss: each target slot of the batch is one
   * (history, next item) example.
   */
  loss(batch: SequenceBatch, dropout: DropoutSeeds): Tensor {
    const tf = this.tf;
    let total: Tensor | null = null;
    for (const part of this.lossParts(batch, dropout)) {
      const weighted = tf.mul(part.loss(), part.weight);
      total = total === null ? weighted : tf.add(total, weighted);
    }
    return total as Tensor;
  }

  /** The examples in groups of similar history length (less padding), each group's mean loss weighted by its share. */
  lossParts(batch: SequenceBatch, dropout: DropoutSeeds): LossPart[] {
    const examples = trainingExamples(batch);
    const order = Array.from({ length: examples.length }, (_, i) => i).sort((a, b) => examples[a].history.length - examples[b].history.length || a - b);
    const groups = Math.max(1, Math.ceil(examples.length / GROUP_ROWS));
    const parts: LossPart[] = [];
    for (let g = 0; g < groups; g++) {
      const chosen = order.slice(Math.floor((g * order.length) / groups), Math.floor(((g + 1) * order.length) / groups));
      if (chosen.length === 0) continue;
      parts.push({ weight: chosen.length / examples.length, loss: () => this.exampleLoss(chosen.map((i) => examples[i]), dropout) });
    }
    return parts;
  }

  private exampleLoss(examples: { history: Int32Array; target: number }[], dropout: DropoutSeeds): Tensor {
    const tf = this.tf;
    const rows = examples.length;
    const depth = this.depth;
    const input = this.encoderInput(examples.map((e) => e.history));
    const encoded = this.encode(input, dropout);
    const memory = this.blocks.map((b) => projectKeys(tf, b.cross, encoded));
    const memoryMask = tf.tensor4d(input.layout.mask, [rows, 1, 1, input.layout.length]);
    const targets = examples.map((e) => this.tokens.subarray(e.target * depth, (e.target + 1) * depth));
    const hidden = this.decode(this.decoderInputs(targets, depth, true), rows, depth, memory, input.layout.length, memoryMask, dropout);
    let total: Tensor | null = null;
    for (let p = 0; p < depth; p++) {
      const at = gatherRowsScatterGrad(tf, hidden, Int32Array.from({ length: rows }, (_, r) => r * depth + p));
      const ce = crossEntropy(tf, this.logits(p, at), Int32Array.from(targets, (t) => t[p]));
      total = total === null ? ce : tf.add(total, ce);
    }
    return total as Tensor;
  }

  rank(batch: SequenceBatch): RankedBatch {
    return rankedBatch(this.beamSearch(batch, this.beams));
  }

  /** Trie-constrained beam search (trieBeamSearch.ts) from each row's history; the encoder runs once per row. */
  beamSearch(batch: SequenceBatch, beams: number): BeamResult {
    const tf = this.tf;
    const input = this.encoderInput(rowHistories(batch));
    const length = input.layout.length;
    const memory = tf.tidy(() => {
      const encoded = this.encode(input, null);
      return this.blocks.map((b) => projectKeys(tf, b.cross, encoded));
    });
    try {
      return trieBeamSearch(this.trie, batch.rows, beams, (p, rowOf, prefixes) => {
        const logProbs = tf.tidy(() => {
          const n = rowOf.length;
          // Each beam's copy of its row's memory and mask.
          const slots = new Int32Array(n * length);
          const mask = new Float32Array(n * length);
          rowOf.forEach((r, b) => {
            for (let s = 0; s < length; s++) {
              slots[b * length + s] = r * length + s;
              mask[b * length + s] = input.layout.mask[r * length + s];
            }
          });
          const beamMemory = memory.map((m) => ({ k: gatherRows(tf, m.k, slots), v: gatherRows(tf, m.v, slots) }));
          const hidden = this.decode(this.decoderInputs(prefixes, p + 1, false), n, p + 1, beamMemory, length, tf.tensor4d(mask, [n, 1, 1, length]), null);
          const last = gatherRows(tf, hidden, Int32Array.from({ length: n }, (_, b) => b * (p + 1) + p));
          return tf.logSoftmax(this.logits(p, last));
        });
        const values = logProbs.dataSync() as Float32Array;
        const vocab = logProbs.shape[1] as number;
        logProbs.dispose();
        return { values, vocab };
      });
    } finally {
      for (const m of memory) {
        m.k.dispose();
        m.v.dispose();
      }
    }
  }
}

/** Each target slot of a training batch as (the row's items up to and including that slot, the target). */
function trainingExamples(batch: SequenceBatch): { history: Int32Array; target: number }[] {
  const { length, items } = batch;
  const out: { history: Int32Array; target: number }[] = [];
  batch.targetSlots.forEach((slot, i) => {
    const row = Math.floor(slot / length);
    let first = row * length;
    while (first < slot && items[first] < 0) first++;
    out.push({ history: items.slice(first, slot + 1), target: batch.targets[i] });
  });
  return out;
}

/** Each row's history in an evaluation batch: its items without the padding. */
function rowHistories(batch: SequenceBatch): Int32Array[] {
  const out: Int32Array[] = [];
  for (let r = 0; r < batch.rows; r++) {
    const row = batch.items.subarray(r * batch.length, (r + 1) * batch.length);
    let first = 0;
    while (first < row.length - 1 && row[first] < 0) first++;
    out.push(row.slice(first));
  }
  return out;
}
