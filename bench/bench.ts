/**
 * `npm run bench`: the training step of the default model on a Beauty-sized input
 * (12,101 items x 768 dims, batch 1024, 3 x 256 codes, Adam), with the backend the
 * engine picks. Prints ms per step, items per second, assignment throughput and peak
 * memory. Absolute numbers depend on the machine; compare runs on the same one.
 */
import { initBackend } from '../src/engine/tf/backend';
import { RqVae } from '../src/engine/model/rqvae';
import { Optimizer } from '../src/engine/model/optimizer';
import { Random } from '../src/engine/util/random';
import type { BackendRequest } from '../src/engine/config/experiment';
import type { Scalar } from '../src/engine/tf/types';

async function main(): Promise<void> {
  const backendArg = process.argv.find((a) => a.startsWith('--backend='))?.split('=')[1] as BackendRequest | undefined;
  const steps = Number(process.argv.find((a) => a.startsWith('--steps='))?.split('=')[1] ?? 30);
  const items = 12101;
  const dim = 768;
  const batch = 1024;
  const runtime = await initBackend(backendArg ?? 'auto', null);
  const tf = runtime.tf;
  const random = new Random(0);
  const data = new Float32Array(items * dim);
  for (let i = 0; i < data.length; i++) data[i] = random.normal() * 0.05;
  const model = new RqVae(tf, { inputDim: dim, encoder: [512, 256, 128], latentDim: 32, codebookSizes: [256, 256, 256] }, random);
  const optimizer = new Optimizer(tf, model.variables(), { name: 'adam', lr: 1e-3, weightDecay: 0 });
  await model.initCodebooksFromSample(data.subarray(0, 4096 * dim), 4096, random);
  const variables = model.variables();
  let peakRss = process.memoryUsage().rss;

  const step = (s: number): void => {
    const start = (s * batch) % (items - batch);
    tf.tidy(() => {
      const x = tf.tensor2d(data.subarray(start * dim, (start + batch) * dim), [batch, dim]);
      const { value, grads } = tf.variableGrads(() => model.forward(x, 0.25).total.reshape([]) as Scalar, variables);
      optimizer.apply(variables.map((v) => grads[v.name] ?? null));
      value.dataSync();
    });
  };
  for (let s = 0; s < 3; s++) step(s);
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    step(s);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const msPerStep = (performance.now() - t0) / steps;
  const a0 = performance.now();
  model.assign(data, items);
  const assignMs = performance.now() - a0;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  console.log(`backend: ${runtime.reason}`);
  console.log(`model: ${dim} -> 512 -> 256 -> 128 -> 32, 3 x 256 codes, batch ${batch}, Adam; ${steps} timed steps`);
  console.log(`train step: ${msPerStep.toFixed(1)} ms/step, ${((batch * 1000) / msPerStep).toFixed(0)} items/s`);
  console.log(`assign ${items} items: ${assignMs.toFixed(0)} ms (${((items * 1000) / assignMs).toFixed(0)} items/s)`);
  console.log(`peak RSS: ${(peakRss / 2 ** 20).toFixed(0)} MiB; tensors leaked per step: ${((tf.memory().numTensors - tensorsBefore) / steps).toFixed(2)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
