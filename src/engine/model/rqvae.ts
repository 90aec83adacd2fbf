import type { TF, Tensor1D, Tensor2D, Variable } from '../tf/types';
import type { Random } from '../util/random';
import { createMlp, mlpForward, type Mlp } from './mlp';
import { stopGradient } from './stopGradient';
import { quantize, assignCodes, meanSquaredNorm, type QuantizerOutput } from './residualQuantizer';
import { kmeans } from './kmeans';
import { Cancellation } from '../util/cancellation';
import { ASSIGN_BATCH_ROWS } from './memoryBudget';

/** The architecture, as stored in model/model.json. */
export interface RqVaeShape {
  inputDim: number;
  encoder: number[];
  latentDim: number;
  codebookSizes: number[];
  /**
   * A second input per item (`features.fuse: [cooccurrence]`), absent without one.
   * Rows given to the model are then [content (inputDim) | fused (fuse.inputDim)].
   * The fused part has its own encoder to the latent, and the two latents are ADDED:
   * z = E(content) + E_fuse(fused). Adding keeps design §4 unchanged from z on (one
   * latent, the same quantizer and losses) and lets a zero fused input (an item
   * without pairs, a new item) fall back to a constant shift of the content latent.
   * The decoder reconstructs the content part only: the fused part is a side signal
   * that makes codes differ where content cannot, not something the IDs must encode.
   */
  fuse?: { inputDim: number; encoder: number[] };
}

/** Loss terms of one forward pass (design §4); all 1-element tensors. */
export interface RqVaeForward {
  z: Tensor2D;
  /** z before `wrapLatent`: a term that branches here is not seen by a probe on z. */
  encoded: Tensor2D;
  quantizer: QuantizerOutput;
  recon: Tensor1D;
  /** recon + sum_l (codebook_l + beta * commitment_l). */
  total: Tensor1D;
}

export class RqVae {
  readonly encoder: Mlp;
  readonly decoder: Mlp;
  readonly codebooks: Variable[];
  readonly fuseEncoder: Mlp | null;

  constructor(
    readonly tf: TF,
    readonly shape: RqVaeShape,
    random: Random,
  ) {
    const sizes = [shape.inputDim, ...shape.encoder, shape.latentDim];
    this.encoder = createMlp(tf, sizes, random);
    this.decoder = createMlp(tf, [...sizes].reverse(), random);
    this.codebooks = shape.codebookSizes.map((k) => {
      const init = new Float32Array(k * shape.latentDim);
      for (let i = 0; i < init.length; i++) init[i] = random.normal() * 0.1;
      return tf.variable(tf.tensor2d(init, [k, shape.latentDim]));
    });
    // Drawn last, so a model without a fused input starts exactly as before.
    this.fuseEncoder = shape.fuse ? createMlp(tf, [shape.fuse.inputDim, ...shape.fuse.encoder, shape.latentDim], random) : null;
  }

  /** Columns of a model input row: the content, then the fused input if any. */
  get rowWidth(): number {
    return this.shape.inputDim + (this.shape.fuse?.inputDim ?? 0);
  }

  get levels(): number {
    return this.codebooks.length;
  }

  /** Every trainable variable, in a fixed order (the optimizer's slots follow it). */
  variables(): Variable[] {
    return this.namedVariables().map((v) => v.tensor);
  }

  /** Variables with stable names (tf's own names are unique per process, not per model). */
  namedVariables(): { name: string; tensor: Variable }[] {
    const named = (prefix: string, list: Variable[]) => list.map((tensor, i) => ({ name: `${prefix}${i}`, tensor }));
    return [
      ...named('encoder/w', this.encoder.weights),
      ...named('encoder/b', this.encoder.biases),
      ...named('decoder/w', this.decoder.weights),
      ...named('decoder/b', this.decoder.biases),
      // Before the codebooks: the seed method finds the codebooks at the end of the list.
      ...(this.fuseEncoder ? [...named('fuse/w', this.fuseEncoder.weights), ...named('fuse/b', this.fuseEncoder.biases)] : []),
      ...named('codebook/', this.codebooks),
    ];
  }

  /**
   * z for rows of width rowWidth; with a fused input, rows of the content width alone
   * are taken as having a zero fused part (new items at `semid ids` time).
   */
  encode(x: Tensor2D): Tensor2D {
    const tf = this.tf;
    if (!this.fuseEncoder || !this.shape.fuse) return mlpForward(tf, this.encoder, x);
    const d = this.shape.inputDim;
    const content = x.shape[1] === d ? x : (tf.slice(x, [0, 0], [-1, d]) as Tensor2D);
    const fused = x.shape[1] === d ? (tf.zeros([x.shape[0], this.shape.fuse.inputDim]) as Tensor2D) : (tf.slice(x, [0, d], [-1, this.shape.fuse.inputDim]) as Tensor2D);
    return tf.add(mlpForward(tf, this.encoder, content), mlpForward(tf, this.fuseEncoder, fused)) as Tensor2D;
  }

  /** The part of the input the decoder reconstructs. */
  private contentOf(x: Tensor2D): Tensor2D {
    return this.shape.fuse && x.shape[1] !== this.shape.inputDim ? (this.tf.slice(x, [0, 0], [-1, this.shape.inputDim]) as Tensor2D) : x;
  }

  /**
   * Forward pass with the RQ-VAE loss; call inside tf.tidy / variableGrads.
   * `wrapLatent` may put an identity op on z (the seed method reads the gradient there).
   */
  forward(x: Tensor2D, beta: number, wrapLatent?: (z: Tensor2D) => Tensor2D): RqVaeForward {
    const tf = this.tf;
    const encoded = this.encode(x);
    const z = wrapLatent ? wrapLatent(encoded) : encoded;
    const quantizer = quantize(tf, z, this.codebooks);
    // Straight-through: the decoder sees q's value, the encoder gets the decoder's gradient.
    const zq = tf.add(z, stopGradient(tf, tf.sub(quantizer.quantized, z))) as Tensor2D;
    const xHat = mlpForward(tf, this.decoder, zq);
    const recon = meanSquaredNorm(tf, tf.sub(this.contentOf(x), xHat) as Tensor2D);
    let total: Tensor1D = recon;
    for (const level of quantizer.levels) {
      total = tf.add(total, tf.add(level.codebookLoss, tf.mul(level.commitmentLoss, beta))) as Tensor1D;
    }
    return { z, encoded, quantizer, recon, total };
  }

  /**
   * k-means++ initialisation of every codebook on the residuals of a sample (rows of
   * `sample`, already in input space): level l clusters what levels < l left over.
   */
  async initCodebooksFromSample(sample: Float32Array, rows: number, random: Random, cancel: Cancellation = Cancellation.none): Promise<void> {
    const tf = this.tf;
    const d = this.shape.latentDim;
    let residual = tf.tidy(() => this.encode(tf.tensor2d(sample, [rows, this.rowWidth])).dataSync() as Float32Array);
    for (const [l, codebook] of this.codebooks.entries()) {
      const k = this.shape.codebookSizes[l];
      const centroids = await kmeans(residual, rows, d, k, random, undefined, cancel);
      tf.tidy(() => codebook.assign(tf.tensor2d(centroids, [k, d])));
      residual = tf.tidy(() => {
        const r = tf.tensor2d(residual, [rows, d]);
        const codes = assignCodes(tf, r, [codebook as Tensor2D]);
        const chosen = tf.gather(codebook, tf.tensor1d(codes, 'int32'));
        return tf.sub(r, chosen).dataSync() as Float32Array;
      });
    }
  }

  /** Codes of every row of a row-major matrix, in batches: n x L, row-major. */
  assign(data: Float32Array, rows: number, batch = ASSIGN_BATCH_ROWS): Int32Array {
    const tf = this.tf;
    const out = new Int32Array(rows * this.levels);
    // Full rows, or content-only rows (fused part zero) for a model with a fused input.
    const dim = rows > 0 ? data.length / rows : this.rowWidth;
    if (dim !== this.rowWidth && dim !== this.shape.inputDim) throw new Error(`assign: rows of ${dim} values; the model takes ${this.rowWidth}`);
    for (let start = 0; start < rows; start += batch) {
      const end = Math.min(rows, start + batch);
      const part = tf.tidy(() => {
        const x = tf.tensor2d(data.subarray(start * dim, end * dim), [end - start, dim]);
        return assignCodes(tf, this.encode(x), this.codebooks as Tensor2D[]);
      });
      out.set(part, start * this.levels);
    }
    return out;
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}
