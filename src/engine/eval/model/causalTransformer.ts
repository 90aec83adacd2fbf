/**
 * The transformer over item sequences that the generative retrievers and SASRec use
 * (pre-layer-norm blocks: x + Attn(LN(x)), x + FF(LN(x)); learned positions). The
 * layout's mask decides what attends to what: causal for the decoder-only retriever and
 * SASRec (the output at slot t summarises items up to t), padding-only for the
 * encoder-decoder's bidirectional encoder. Its attention and feed-forward pieces are
 * exported for that model's decoder blocks. Dense layers use the engine's fast dense op
 * and attention the batched product with untransposed gradients, so the wasm backend
 * stays on its fast kernels.
 */
import type { TF, Tensor, Tensor1D, Tensor2D, Variable } from '../../tf/types';
import type { Random } from '../../util/random';
import { dense } from '../../model/mlp';
import { batchMatMul, type Tensor3D } from './batchMatMul';
import { gatherRowsScatterGrad } from './rowGather';
import type { SequenceBatch } from './sequenceBatch';

export interface TransformerShape {
  layers: number;
  heads: number;
  dModel: number;
  ff: number;
  dropout: number;
  maxHistory: number;
}

/** What the transformer needs of a batch: slots per row, their position ids and the additive attention mask (per query and key, or per key only). */
export type AttentionLayout = Pick<SequenceBatch, 'rows' | 'length' | 'positions' | 'mask'>;

export interface AttentionParams {
  /** Query, key and value projections, kept apart: tfjs-wasm's column split of one fused product cost 2.5x the product. */
  q: [Variable, Variable];
  k: [Variable, Variable];
  v: [Variable, Variable];
  out: [Variable, Variable];
}

export interface FeedForwardParams {
  ff1: [Variable, Variable];
  ff2: [Variable, Variable];
}

interface Block {
  ln1: [Variable, Variable];
  attention: AttentionParams;
  ln2: [Variable, Variable];
  feedForward: FeedForwardParams;
}

/** Draws dropout seeds; null = no dropout (evaluation). */
export type DropoutSeeds = (() => number) | null;

export class CausalTransformer {
  readonly positions: Variable;
  private readonly blocks: Block[] = [];
  readonly finalNorm: [Variable, Variable];

  constructor(
    private readonly tf: TF,
    readonly shape: TransformerShape,
    random: Random,
  ) {
    const d = shape.dModel;
    this.positions = tf.variable(normal(tf, random, [shape.maxHistory, d], 0.02));
    for (let l = 0; l < shape.layers; l++) {
      const ln1 = layerNormParams(tf, d);
      const attention = attentionParams(tf, random, d);
      const ln2 = layerNormParams(tf, d);
      this.blocks.push({ ln1, attention, ln2, feedForward: feedForwardParams(tf, random, d, shape.ff) });
    }
    this.finalNorm = layerNormParams(tf, d);
  }

  get variables(): Variable[] {
    const out: Variable[] = [this.positions];
    for (const b of this.blocks) out.push(...b.ln1, ...attentionVariables(b.attention), ...b.ln2, ...b.feedForward.ff1, ...b.feedForward.ff2);
    out.push(...this.finalNorm);
    return out;
  }

  /** `inputs`: rows*length x d vectors in the layout's slot order -> the same shape, contextualised. */
  forward(inputs: Tensor2D, layout: AttentionLayout, dropout: DropoutSeeds): Tensor2D {
    const tf = this.tf;
    const { rows, length } = layout;
    const pos = gatherRowsScatterGrad(tf, this.positions as Tensor2D, layout.positions);
    let x = drop(tf, tf.add(inputs, pos) as Tensor2D, this.shape.dropout, dropout);
    // rows x length x length, or rows x length (keys only: padding blocked for every query; rows with a real slot never end all-blocked).
    const mask = layout.mask.length === rows * length * length
      ? tf.tensor4d(layout.mask, [rows, 1, length, length])
      : tf.tensor4d(layout.mask, [rows, 1, 1, length]);
    for (const b of this.blocks) {
      const h = layerNorm(tf, x, b.ln1);
      const attended = attention(tf, b.attention, h, h, rows, length, length, this.shape.heads, mask);
      x = tf.add(x, drop(tf, attended, this.shape.dropout, dropout)) as Tensor2D;
      const outer = feedForward(tf, b.feedForward, layerNorm(tf, x, b.ln2));
      x = tf.add(x, drop(tf, outer, this.shape.dropout, dropout)) as Tensor2D;
    }
    return layerNorm(tf, x, this.finalNorm);
  }
}

/** q, k, v drawn as one [d, 3d] layer (the draw order the models were first initialised with), then cut apart. */
export function attentionParams(tf: TF, random: Random, d: number): AttentionParams {
  const [q, k, v] = splitColumns(tf, linear(tf, random, d, 3 * d), 3);
  return { q, k, v, out: linear(tf, random, d, d) };
}

export function attentionVariables(p: AttentionParams): Variable[] {
  return [...p.q, ...p.k, ...p.v, ...p.out];
}

export function feedForwardParams(tf: TF, random: Random, d: number, ff: number): FeedForwardParams {
  return { ff1: linear(tf, random, d, ff), ff2: linear(tf, random, ff, d) };
}

export function feedForward(tf: TF, p: FeedForwardParams, x: Tensor2D): Tensor2D {
  const inner = dense(tf, x, p.ff1[0] as Tensor2D, p.ff1[1] as Tensor1D, true);
  return dense(tf, inner, p.ff2[0] as Tensor2D, p.ff2[1] as Tensor1D, false);
}

/**
 * Multi-head attention of `queries` (rows*lq x d) over `memory` (rows*lk x d): self-attention
 * when both are the same tensor, cross-attention otherwise. `mask`: [rows, 1, lq, lk], additive.
 */
export function attention(tf: TF, p: AttentionParams, queries: Tensor2D, memory: Tensor2D, rows: number, lq: number, lk: number, heads: number, mask: Tensor): Tensor2D {
  const { k, v } = projectKeys(tf, p, memory);
  return attendProjected(tf, p, queries, k, v, rows, lq, lk, heads, mask);
}

/** The same with the memory's keys and values already projected (rows*lk x d each): decoding reuses them across beams. */
export function attendProjected(tf: TF, p: AttentionParams, queries: Tensor2D, k: Tensor2D, v: Tensor2D, rows: number, lq: number, lk: number, heads: number, mask: Tensor): Tensor2D {
  const dModel = queries.shape[1];
  const dh = dModel / heads;
  const q = dense(tf, queries, p.q[0] as Tensor2D, p.q[1] as Tensor1D, false);
  // [rows*l, d] -> [rows*heads, l, dh]
  const split = (t: Tensor2D, l: number): Tensor3D =>
    tf.reshape(tf.transpose(tf.reshape(t, [rows, l, heads, dh]), [0, 2, 1, 3]), [rows * heads, l, dh]) as Tensor3D;
  const kT = tf.reshape(tf.transpose(tf.reshape(k, [rows, lk, heads, dh]), [0, 2, 3, 1]), [rows * heads, dh, lk]) as Tensor3D;
  const scores = tf.add(tf.reshape(tf.mul(batchMatMul(tf, split(q, lq), kT), 1 / Math.sqrt(dh)), [rows, heads, lq, lk]), mask);
  const weights = tf.reshape(tf.softmax(scores), [rows * heads, lq, lk]) as Tensor3D;
  const context = batchMatMul(tf, weights, split(v, lk));
  const merged = tf.reshape(tf.transpose(tf.reshape(context, [rows, heads, lq, dh]), [0, 2, 1, 3]), [rows * lq, dModel]) as Tensor2D;
  return dense(tf, merged, p.out[0] as Tensor2D, p.out[1] as Tensor1D, false);
}

export function projectKeys(tf: TF, p: AttentionParams, memory: Tensor2D): { k: Tensor2D; v: Tensor2D } {
  return {
    k: dense(tf, memory, p.k[0] as Tensor2D, p.k[1] as Tensor1D, false),
    v: dense(tf, memory, p.v[0] as Tensor2D, p.v[1] as Tensor1D, false),
  };
}

export function layerNormParams(tf: TF, d: number): [Variable, Variable] {
  return [tf.variable(tf.ones([d])), tf.variable(tf.zeros([d]))];
}

export function layerNorm(tf: TF, x: Tensor2D, [gain, bias]: [Variable, Variable]): Tensor2D {
  const { mean, variance } = tf.moments(x, 1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias) as Tensor2D;
}

/** torch.nn.Linear's default init: uniform in +-1/sqrt(fan_in). */
export function linear(tf: TF, random: Random, fanIn: number, fanOut: number): [Variable, Variable] {
  const limit = 1 / Math.sqrt(fanIn);
  const u = (n: number): Float32Array => Float32Array.from({ length: n }, () => (random.next() * 2 - 1) * limit);
  return [tf.variable(tf.tensor2d(u(fanIn * fanOut), [fanIn, fanOut])), tf.variable(tf.tensor1d(u(fanOut)))];
}

/** One [in, parts x out] linear layer's weights and bias cut into `parts` layers (the same draw as the fused layer). */
function splitColumns(tf: TF, [w, bias]: [Variable, Variable], parts: number): [Variable, Variable][] {
  const [rows, columns] = w.shape as [number, number];
  const width = columns / parts;
  const out: [Variable, Variable][] = [];
  for (let i = 0; i < parts; i++) {
    out.push([
      tf.variable(tf.slice(w, [0, i * width], [rows, width])),
      tf.variable(tf.slice(bias, [i * width], [width])),
    ]);
  }
  w.dispose();
  bias.dispose();
  return out;
}

export function normal(tf: TF, random: Random, shape: [number, number], std: number): Tensor2D {
  const n = shape[0] * shape[1];
  return tf.tensor2d(Float32Array.from({ length: n }, () => random.normal() * std), shape);
}

export function drop<T extends Tensor>(tf: TF, x: T, rate: number, seeds: DropoutSeeds): T {
  if (seeds === null || rate <= 0) return x;
  return tf.dropout(x, rate, undefined, seeds()) as T;
}
