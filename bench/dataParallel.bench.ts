/**
 * Both cores (issue 3, item 3): does worker-thread data parallelism speed up a
 * training step? W workers each hold a replica of the default model (same seed, so
 * identical weights), compute the gradient of their 1/W of the batch, and exchange
 * gradients through the main thread; every replica then applies the same Adam update
 * to the mean gradient (a batch-mean loss: the mean of the shard gradients is the
 * full-batch gradient). Compared with one thread doing the whole batch in-process.
 *   node --import tsx bench/dataParallel.bench.ts [--workers 2] [--steps 10]
 * Also reports whether tfjs-wasm's threaded build can start in Node.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { workerSource } from '../src/engine/util/workerSource';
import * as os from 'node:os';
import { initBackend } from '../src/engine/tf/backend';
import { RqVae } from '../src/engine/model/rqvae';
import { Optimizer } from '../src/engine/model/optimizer';
import { Random } from '../src/engine/util/random';
import type { Scalar, Tensor } from '../src/engine/tf/types';
import { DEFAULT_STEP_MODEL, timeTrainingSteps } from './stepTimer';

interface ShardJob {
  shard: number;
  shards: number;
}

const m = DEFAULT_STEP_MODEL;

async function workerMain(job: ShardJob): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const runtime = await initBackend('wasm', null);
  const tf = runtime.tf;
  const random = new Random(0);
  const model = new RqVae(tf, { inputDim: m.dim, encoder: m.encoder, latentDim: m.latent, codebookSizes: new Array<number>(m.levels).fill(m.codes) }, random);
  const optimizer = new Optimizer(tf, model.variables(), { name: 'adam', lr: 1e-3, weightDecay: 0 });
  const variables = model.variables();
  const rows = m.batch / job.shards;
  const data = new Float32Array(rows * m.dim);
  const rnd = new Random(1 + job.shard);
  for (let i = 0; i < data.length; i++) data[i] = rnd.normal() * 0.05;
  // Self-check before serving: the same shard step, timed outside any message handler.
  const selfCheck0 = performance.now();
  for (let s = 0; s < 2; s++) {
    tf.tidy(() => {
      const x = tf.tensor2d(data, [rows, m.dim]);
      const { grads } = tf.variableGrads(() => model.forward(x, 0.25).total.reshape([]) as Scalar, variables);
      return variables.map((v) => (grads[v.name] as Tensor).dataSync());
    });
  }
  const selfCheckMs = (performance.now() - selfCheck0) / 2;
  let computeMs = 0;
  let applyMs = 0;
  port.on('message', (msg: { type: 'step' } | { type: 'apply'; grads: Float32Array[] } | { type: 'stop' }) => {
    if (msg.type === 'stop') {
      port.close();
      return;
    }
    if (msg.type === 'step') {
      const t0 = performance.now();
      const grads = tf.tidy(() => {
        const x = tf.tensor2d(data, [rows, m.dim]);
        const { grads } = tf.variableGrads(() => model.forward(x, 0.25).total.reshape([]) as Scalar, variables);
        return variables.map((v) => (grads[v.name] as Tensor).dataSync() as Float32Array).map((a) => new Float32Array(a));
      });
      computeMs += performance.now() - t0;
      port.postMessage(grads, grads.map((g) => g.buffer));
      return;
    }
    const t1 = performance.now();
    tf.tidy(() => optimizer.apply(msg.grads.map((g, i) => tf.tensor(g, variables[i].shape))));
    applyMs += performance.now() - t1;
    port.postMessage(`applied; so far ${computeMs.toFixed(0)} ms computing, ${applyMs.toFixed(0)} ms applying`);
  });
  port.postMessage(`ready; shard step before serving ${selfCheckMs.toFixed(0)} ms`);
}

function once<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error): void => reject(e);
    w.once('error', fail);
    w.once('message', (v: T) => {
      w.off('error', fail);
      resolve(v);
    });
  });
}

async function threadedWasmProbe(): Promise<string> {
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return mt
    ? 'tfjs-wasm reports multithread support in Node'
    : 'tfjs-wasm reports no multithread support in Node (its threaded build spawns Web Workers from blob: URLs, which Node\'s Worker rejects: ERR_WORKER_PATH)';
}

async function main(): Promise<void> {
  const workers = Number(process.argv[process.argv.indexOf('--workers') + 1] || 2) || 2;
  const steps = Number(process.argv[process.argv.indexOf('--steps') + 1] || 10) || 10;
  const load0 = os.loadavg()[0];
  const pool = Array.from({ length: workers }, (_, shard) => new Worker(workerSource(__filename), { eval: true, workerData: { shard, shards: workers } }));
  const ready = await Promise.all(pool.map((w) => once<string>(w)));
  console.log(`workers: ${ready.join(' | ')}`);
  let lastApply: string[] = [];
  const step = async (): Promise<void> => {
    const parts = await Promise.all(pool.map((w) => {
      const reply = once<Float32Array[]>(w);
      w.postMessage({ type: 'step' });
      return reply;
    }));
    const mean = parts[0].map((g, i) => {
      const out = new Float32Array(g.length);
      for (const p of parts) {
        const a = p[i];
        for (let j = 0; j < out.length; j++) out[j] += a[j];
      }
      for (let j = 0; j < out.length; j++) out[j] /= parts.length;
      return out;
    });
      lastApply = await Promise.all(pool.map((w) => {
      const reply = once<string>(w);
      w.postMessage({ type: 'apply', grads: mean });
      return reply;
    }));
  };
  for (let s = 0; s < 2; s++) await step();
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) await step();
  const parallelMs = (performance.now() - t0) / steps;
  for (const w of pool) w.postMessage({ type: 'stop' });
  await Promise.all(pool.map((w) => w.terminate()));
  // The one-thread baseline after the workers are gone, so neither disturbs the other.
  const runtime = await initBackend('wasm', null);
  const single = timeTrainingSteps(runtime.tf, m, steps);
  const load1 = os.loadavg()[0];
  console.log(`one thread, batch ${m.batch}: ${single.wallMsPerStep.toFixed(0)} ms/step wall (${single.cpuMsPerStep.toFixed(0)} ms CPU)`);
  console.log(`${workers} workers x batch ${m.batch / workers} + gradient exchange: ${parallelMs.toFixed(0)} ms/step wall`);
  console.log(`speedup (wall): ${(single.wallMsPerStep / parallelMs).toFixed(2)}x on ${os.cpus().length} cores; load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
  console.log(`workers: ${lastApply.join(' | ')}`);
  console.log(`threaded wasm: ${await threadedWasmProbe()}`);
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  void workerMain(workerData as ShardJob);
}
