/**
 * Where a training step's time goes: one step of the default model (Beauty-sized
 * batch) under tf.profile, kernels summed by name, slowest first.
 *   node --import tsx bench/profileStep.ts [--backend=wasm] [--steps=3]
 */
import { initBackend } from '../src/engine/tf/backend';
import { RqVae } from '../src/engine/model/rqvae';
import { Optimizer } from '../src/engine/model/optimizer';
import { Random } from '../src/engine/util/random';
import type { BackendRequest } from '../src/engine/config/experiment';
import type { Scalar } from '../src/engine/tf/types';

async function main(): Promise<void> {
  const backendArg = process.argv.find((a) => a.startsWith('--backend='))?.split('=')[1] as BackendRequest | undefined;
  const steps = Number(process.argv.find((a) => a.startsWith('--steps='))?.split('=')[1] ?? 3);
  const dim = 768;
  const batch = 1024;
  const runtime = await initBackend(backendArg ?? 'wasm', null);
  const tf = runtime.tf;
  const random = new Random(0);
  const data = new Float32Array(batch * dim);
  for (let i = 0; i < data.length; i++) data[i] = random.normal() * 0.05;
  const model = new RqVae(tf, { inputDim: dim, encoder: [512, 256, 128], latentDim: 32, codebookSizes: [256, 256, 256] }, random);
  const optimizer = new Optimizer(tf, model.variables(), { name: 'adam', lr: 1e-3, weightDecay: 0 });
  const variables = model.variables();
  const step = (): void => {
    tf.tidy(() => {
      const x = tf.tensor2d(data, [batch, dim]);
      const { value, grads } = tf.variableGrads(() => model.forward(x, 0.25).total.reshape([]) as Scalar, variables);
      optimizer.apply(variables.map((v) => grads[v.name] ?? null));
      value.dataSync();
    });
  };
  step();
  const byKernel = new Map<string, { ms: number; calls: number; shapes: Map<string, number> }>();
  let total = 0;
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const info = await tf.profile(() => step());
    for (const k of info.kernels) {
      const ms = Number(k.kernelTimeMs);
      total += ms;
      const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0, shapes: new Map<string, number>() };
      entry.ms += ms;
      entry.calls++;
      const key = k.inputShapes.map((s) => `[${s}]`).join('x');
      entry.shapes.set(key, (entry.shapes.get(key) ?? 0) + ms);
      byKernel.set(k.name, entry);
    }
  }
  const wall = (performance.now() - t0) / steps;
  console.log(`backend ${runtime.backend}; per step: wall ${wall.toFixed(1)} ms, kernels ${(total / steps).toFixed(1)} ms`);
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [name, e] of rows.slice(0, 25)) {
    const top = [...e.shapes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    console.log(`${name.padEnd(22)} ${(e.ms / steps).toFixed(1).padStart(7)} ms  ${String(e.calls / steps).padStart(4)} calls  ${top.map(([s, ms]) => `${s}:${(ms / steps).toFixed(1)}`).join('  ')}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
