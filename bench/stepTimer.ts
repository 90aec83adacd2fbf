/**
 * Times the engine's RQ-VAE training step (forward, variableGrads, optimizer, reading
 * the loss and codes back as the trainer does) on random rows. Shared by the benches.
 */
import type { TF, Scalar, Tensor } from '../src/engine/tf/types';
import { RqVae } from '../src/engine/model/rqvae';
import { Optimizer } from '../src/engine/model/optimizer';
import { Random } from '../src/engine/util/random';

export interface StepModel {
  dim: number;
  encoder: number[];
  latent: number;
  levels: number;
  codes: number;
  batch: number;
}

export const DEFAULT_STEP_MODEL: StepModel = { dim: 768, encoder: [512, 256, 128], latent: 32, levels: 3, codes: 256, batch: 1024 };

export interface StepTiming {
  wallMsPerStep: number;
  /** Process CPU time (user + system) per step: the fairer number on a shared machine. */
  cpuMsPerStep: number;
  tensorsLeakedPerStep: number;
}

export function timeTrainingSteps(tf: TF, m: StepModel, steps: number, warmup = 3): StepTiming {
  const rows = 12101;
  const random = new Random(0);
  const data = new Float32Array(rows * m.dim);
  for (let i = 0; i < data.length; i++) data[i] = random.normal() * 0.05;
  const model = new RqVae(tf, { inputDim: m.dim, encoder: m.encoder, latentDim: m.latent, codebookSizes: new Array<number>(m.levels).fill(m.codes) }, random);
  const optimizer = new Optimizer(tf, model.variables(), { name: 'adam', lr: 1e-3, weightDecay: 0 });
  const variables = model.variables();
  const batch = new Float32Array(m.batch * m.dim);
  const step = (s: number): void => {
    const start = (s * m.batch) % (rows - m.batch);
    batch.set(data.subarray(start * m.dim, (start + m.batch) * m.dim));
    let losses: Tensor | null = null;
    let codes: Tensor | null = null;
    tf.tidy(() => {
      const x = tf.tensor2d(batch, [m.batch, m.dim]);
      const { grads } = tf.variableGrads(() => {
        const fwd = model.forward(x, 0.25);
        losses = tf.keep(tf.concat([fwd.recon, ...fwd.quantizer.levels.map((l) => l.codebookLoss)]));
        codes = tf.keep(tf.stack(fwd.quantizer.levels.map((l) => l.codes), 1));
        return fwd.total.reshape([]) as Scalar;
      }, variables);
      optimizer.apply(variables.map((v) => grads[v.name] ?? null));
    });
    (losses as unknown as Tensor).dataSync();
    (codes as unknown as Tensor).dataSync();
    (losses as unknown as Tensor).dispose();
    (codes as unknown as Tensor).dispose();
  };
  for (let s = 0; s < warmup; s++) step(s);
  const tensorsBefore = tf.memory().numTensors;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) step(s);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const leaked = (tf.memory().numTensors - tensorsBefore) / steps;
  model.dispose();
  optimizer.dispose();
  return { wallMsPerStep: wall / steps, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps, tensorsLeakedPerStep: leaked };
}
