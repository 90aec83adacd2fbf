/**
 * The causal transformer over item sequences that both the generative retriever and
 * SASRec use (pre-layer-norm blocks: x + Attn(LN(x)), x + FF(LN(x)); learned
 * positions). Inputs are one vector per history item; the output at slot t summarises
 * items up to t. Dense layers use the engine's fast dense op and attention the
 * batched product with untransposed gradients, so the wasm backend stays on its fast
 * kernels.
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

interface Block {
  ln1: [Variable, Variable];
  /** Query, key and value projections, kept apart: tfjs-wasm's column split of one fused product cost 2.5x the product. */
  q: [Variable, Variable];
  k: [Variable, Variable];
  v: [Variable, Variable];
  out: [Variable, Variable];
  ln2: [Variable, Variable];
  ff1: [Variable, Variable];
  ff2: [Variable, Variable];
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
      const [q, k, v] = splitColumns(tf, linear(tf, random, d, 3 * d), 3);
      this.blocks.push({
        ln1: layerNormParams(tf, d),
        q,
        k,
        v,
        out: linear(tf, random, d, d),
        ln2: layerNormParams(tf, d),
        ff1: linear(tf, random, d, shape.ff),
        ff2: linear(tf, random, shape.ff, d),
      });
    }
    this.finalNorm = layerNormParams(tf, d);
  }

  get variables(): Variable[] {
    const out: Variable[] = [this.positions];
    for (const b of this.blocks) out.push(...b.ln1, ...b.q, ...b.k, ...b.v, ...b.out, ...b.ln2, ...b.ff1, ...b.ff2);
    out.push(...this.finalNorm);
    return out;
  }

  /** `inputs`: rows*length x d item vectors in the batch's slot order -> the same shape, contextualised. */
  forward(inputs: Tensor2D, batch: SequenceBatch, dropout: DropoutSeeds): Tensor2D {
    const tf = this.tf;
    const { heads, dModel } = this.shape;
    const { rows, length } = batch;
    const dh = dModel / heads;
    const pos = gatherRowsScatterGrad(tf, this.positions as Tensor2D, batch.positions);
    let x = drop(tf, tf.add(inputs, pos) as Tensor2D, this.shape.dropout, dropout);
    const mask = tf.tensor4d(batch.mask, [rows, 1, length, length]);
    const scale = 1 / Math.sqrt(dh);
    for (const b of this.blocks) {
      const h = layerNorm(tf, x, b.ln1);
      const q = dense(tf, h, b.q[0] as Tensor2D, b.q[1] as Tensor1D, false);
      const k = dense(tf, h, b.k[0] as Tensor2D, b.k[1] as Tensor1D, false);
      const v = dense(tf, h, b.v[0] as Tensor2D, b.v[1] as Tensor1D, false);
      // [rows*length, d] -> [rows*heads, length, dh]
      const split = (t: Tensor2D): Tensor3D =>
        tf.reshape(tf.transpose(tf.reshape(t, [rows, length, heads, dh]), [0, 2, 1, 3]), [rows * heads, length, dh]) as Tensor3D;
      const kT = tf.reshape(tf.transpose(tf.reshape(k, [rows, length, heads, dh]), [0, 2, 3, 1]), [rows * heads, dh, length]) as Tensor3D;
      const scores = tf.add(tf.reshape(tf.mul(batchMatMul(tf, split(q), kT), scale), [rows, heads, length, length]), mask);
      const weights = tf.reshape(tf.softmax(scores), [rows * heads, length, length]) as Tensor3D;
      const context = batchMatMul(tf, weights, split(v));
      const merged = tf.reshape(tf.transpose(tf.reshape(context, [rows, heads, length, dh]), [0, 2, 1, 3]), [rows * length, dModel]) as Tensor2D;
      const attended = dense(tf, merged, b.out[0] as Tensor2D, b.out[1] as Tensor1D, false);
      x = tf.add(x, drop(tf, attended, this.shape.dropout, dropout)) as Tensor2D;
      const h2 = layerNorm(tf, x, b.ln2);
      const inner = dense(tf, h2, b.ff1[0] as Tensor2D, b.ff1[1] as Tensor1D, true);
      const outer = dense(tf, inner, b.ff2[0] as Tensor2D, b.ff2[1] as Tensor1D, false);
      x = tf.add(x, drop(tf, outer, this.shape.dropout, dropout)) as Tensor2D;
    }
    return layerNorm(tf, x, this.finalNorm);
  }
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
