import type { TF, Tensor1D, Tensor2D, Variable } from '../tf/types';
import type { Random } from '../util/random';
import { fastMatMul, type MatMul } from './fastMatMul';
import { createMlp, mlpForward, type Mlp } from './mlp';
import { stopGradient } from './stopGradient';
import { quantize, assignCodes, meanSquaredNorm, type QuantizerOutput } from './residualQuantizer';
import { kmeans } from './kmeans';

/** The architecture, as stored in model/model.json. */
export interface RqVaeShape {
  inputDim: number;
  encoder: number[];
  latentDim: number;
  codebookSizes: number[];
}

/** Loss terms of one forward pass (design §4); all 1-element tensors. */
export interface RqVaeForward {
  z: Tensor2D;
  quantizer: QuantizerOutput;
  recon: Tensor1D;
  /** recon + sum_l (codebook_l + beta * commitment_l). */
  total: Tensor1D;
}

export class RqVae {
  readonly matMul: MatMul;
  readonly encoder: Mlp;
  readonly decoder: Mlp;
  readonly codebooks: Variable[];

  constructor(
    readonly tf: TF,
    readonly shape: RqVaeShape,
    random: Random,
  ) {
    this.matMul = fastMatMul(tf);
    const sizes = [shape.inputDim, ...shape.encoder, shape.latentDim];
    this.encoder = createMlp(tf, sizes, random);
    this.decoder = createMlp(tf, [...sizes].reverse(), random);
    this.codebooks = shape.codebookSizes.map((k, l) => {
      const init = new Float32Array(k * shape.latentDim);
      for (let i = 0; i < init.length; i++) init[i] = random.normal() * 0.1;
      return tf.variable(tf.tensor2d(init, [k, shape.latentDim]));
    });
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
      ...named('codebook/', this.codebooks),
    ];
  }

  encode(x: Tensor2D): Tensor2D {
    return mlpForward(this.tf, this.encoder, x, this.matMul);
  }

  /** Forward pass with the RQ-VAE loss; call inside tf.tidy / variableGrads. */
  forward(x: Tensor2D, beta: number): RqVaeForward {
    const tf = this.tf;
    const z = this.encode(x);
    const quantizer = quantize(tf, z, this.codebooks, this.matMul);
    // Straight-through: the decoder sees q's value, the encoder gets the decoder's gradient.
    const zq = tf.add(z, stopGradient(tf, tf.sub(quantizer.quantized, z))) as Tensor2D;
    const xHat = mlpForward(tf, this.decoder, zq, this.matMul);
    const recon = meanSquaredNorm(tf, tf.sub(x, xHat) as Tensor2D);
    let total: Tensor1D = recon;
    for (const level of quantizer.levels) {
      total = tf.add(total, tf.add(level.codebookLoss, tf.mul(level.commitmentLoss, beta))) as Tensor1D;
    }
    return { z, quantizer, recon, total };
  }

  /**
   * k-means++ initialisation of every codebook on the residuals of a sample (rows of
   * `sample`, already in input space): level l clusters what levels < l left over.
   */
  initCodebooksFromSample(sample: Float32Array, rows: number, random: Random): void {
    const tf = this.tf;
    const d = this.shape.latentDim;
    let residual = tf.tidy(() => this.encode(tf.tensor2d(sample, [rows, this.shape.inputDim])).dataSync() as Float32Array);
    this.codebooks.forEach((codebook, l) => {
      const k = this.shape.codebookSizes[l];
      const centroids = kmeans(residual, rows, d, k, random);
      codebook.assign(tf.tensor2d(centroids, [k, d]));
      residual = tf.tidy(() => {
        const r = tf.tensor2d(residual, [rows, d]);
        const codes = assignCodes(tf, r, [codebook as Tensor2D]);
        const chosen = tf.matMul(tf.oneHot(tf.tensor1d(codes, 'int32'), k).toFloat(), codebook);
        return tf.sub(r, chosen).dataSync() as Float32Array;
      });
    });
  }

  /** Codes of every row of a row-major matrix, in batches: n x L, row-major. */
  assign(data: Float32Array, rows: number, batch = 4096): Int32Array {
    const tf = this.tf;
    const out = new Int32Array(rows * this.levels);
    const dim = this.shape.inputDim;
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
