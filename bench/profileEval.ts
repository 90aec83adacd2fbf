/**
 * Where the retriever's training step and decoding go: kernels summed by name, slowest
 * first, on Beauty's real sequences (default eval.retrieval shape) with random 3+1-token
 * IDs (the cost does not depend on which IDs).
 *   node --import tsx bench/profileEval.ts [--steps=3] [--model=retriever|encoder-decoder|sasrec] [--no-profile]
 * (`retriever` is the decoder-only one; `encoder-decoder` the TIGER-style one, `layers` each side.)
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { initBackend } from '../src/engine/tf/backend';
import { evaluationSplit, trainingWindows } from '../src/engine/eval/split';
import { SemanticIdTrie } from '../src/engine/eval/semanticIdTrie';
import { GenerativeRetriever } from '../src/engine/eval/model/generativeRetriever';
import { EncoderDecoderRetriever } from '../src/engine/eval/model/encoderDecoderRetriever';
import * as os from 'node:os';
import { SasRec } from '../src/engine/eval/model/sasrec';
import { historyBatch, trainingBatch } from '../src/engine/eval/model/sequenceBatch';
import { Optimizer } from '../src/engine/model/optimizer';
import { evalRandom } from '../src/engine/eval/streams';
import { lossAndGradients, rankCases, type SequenceRanker } from '../src/engine/eval/ranker';

const opt = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;

async function main(): Promise<void> {
  const steps = Number(opt('steps', '3'));
  const which = opt('model', 'retriever');
  const { tf, backend } = await initBackend('wasm', null);
  const file = path.resolve(__dirname, '..', 'examples', 'beauty', 'data', 'sequences.txt');
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const users: string[] = [];
  const train: Int32Array[] = [];
  const valid = new Int32Array(lines.length);
  const test = new Int32Array(lines.length);
  lines.forEach((line, u) => {
    const [name, ...rest] = line.trim().split(/\s+/);
    const items = Int32Array.from(rest, (i) => Number(i) - 1);
    users.push(name);
    train.push(items.slice(0, -2));
    valid[u] = items[items.length - 2];
    test[u] = items[items.length - 1];
  });
  const split = evaluationSplit({ users, train, valid, test }, 20);
  const windows = trainingWindows(split);
  const items = 12101;
  const r = evalRandom(0, 'retriever/profile');
  const sids = Array.from({ length: items }, (_, i) => [r.int(256), r.int(256), r.int(256), i % 4]);
  const shape = { layers: 2, heads: 2, dModel: 128, ff: 256, dropout: 0.1, maxHistory: 20 };
  const model: SequenceRanker = which === 'sasrec'
    ? new SasRec(tf, shape, items, evalRandom(0, 'retriever/profile'))
    : which === 'encoder-decoder'
      ? new EncoderDecoderRetriever(tf, shape, new SemanticIdTrie(sids, 4), sids, evalRandom(0, 'retriever/profile'), 20)
      : new GenerativeRetriever(tf, shape, new SemanticIdTrie(sids, 4), sids, evalRandom(0, 'retriever/profile'), 20);
  const load = (): string => `load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`;
  console.log(`${which}: ${model.variables.reduce((n, v) => n + v.size, 0)} parameters; ${load()}`);
  const optimizer = new Optimizer(tf, model.variables, { name: 'adam', lr: 1e-3, weightDecay: 0 });
  const drop = evalRandom(0, 'retriever/profile-dropout');
  const batches = Array.from({ length: steps + 1 }, (_, s) => trainingBatch(windows.slice(s * 128, (s + 1) * 128).map((w) => w.items), 20));
  const step = (s: number): void => {
    const { grads } = lossAndGradients(tf, model, batches[s], () => drop.nextUint32());
    optimizer.apply(grads);
    for (const g of grads) g?.dispose();
  };
  step(steps);
  const report = (label: string, kernels: { name: string; kernelTimeMs: unknown; inputShapes: number[][] }[], wall: number, n: number): void => {
    const byKernel = new Map<string, { ms: number; calls: number; shapes: Map<string, number> }>();
    let total = 0;
    for (const k of kernels) {
      const ms = Number(k.kernelTimeMs);
      total += ms;
      const e = byKernel.get(k.name) ?? { ms: 0, calls: 0, shapes: new Map<string, number>() };
      e.ms += ms;
      e.calls++;
      const key = k.inputShapes.map((s) => `[${s}]`).join('x');
      e.shapes.set(key, (e.shapes.get(key) ?? 0) + ms);
      byKernel.set(k.name, e);
    }
    console.log(`${label} (${backend}): wall ${(wall / n).toFixed(0)} ms, kernels ${(total / n).toFixed(0)} ms`);
    for (const [name, e] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 18)) {
      const top = [...e.shapes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2);
      console.log(`  ${name.padEnd(20)} ${(e.ms / n).toFixed(1).padStart(7)} ms ${String(e.calls / n).padStart(5)} calls  ${top.map(([s, ms]) => `${s}:${(ms / n).toFixed(1)}`).join('  ')}`);
    }
  };
  // CPU time first (no profiler overhead), on bucketed batches as training draws them.
  const bucketed = [...windows].sort((a, b) => a.items.length - b.items.length);
  const stride = Math.floor(bucketed.length / (steps + 1));
  const real = Array.from({ length: steps }, (_, s) => trainingBatch(bucketed.slice((s + 1) * stride - 64, (s + 1) * stride + 64).map((w) => w.items), 20));
  batches.push(...real);
  let c0 = process.cpuUsage();
  for (let s = 0; s < steps; s++) step(s);
  let c = process.cpuUsage(c0);
  console.log(`training step, random windows (padded to ~20): ${((c.user + c.system) / 1000 / steps).toFixed(0)} ms CPU; ${load()}`);
  c0 = process.cpuUsage();
  for (let s = 0; s < steps; s++) step(steps + 1 + s);
  c = process.cpuUsage(c0);
  console.log(`training step, length-bucketed windows (as training draws them): ${((c.user + c.system) / 1000 / steps).toFixed(0)} ms CPU; ${load()}`);
  const all = split.test.map((t) => t.history);
  c0 = process.cpuUsage();
  await rankCases(model, split.test.slice(0, 1024), 20, 128);
  c = process.cpuUsage(c0);
  console.log(`ranking 1,024 test users (rankCases): ${((c.user + c.system) / 1000).toFixed(0)} ms CPU; all ${all.length} ~${((c.user + c.system) / 1e6 * all.length / 1024).toFixed(0)} s CPU; ${load()}`);
  if (process.argv.includes('--no-profile')) return;
  const kernels: Parameters<typeof report>[1] = [];
  let t0 = performance.now();
  for (let s = 0; s < steps; s++) kernels.push(...(await tf.profile(() => step(s))).kernels);
  report('training step', kernels, performance.now() - t0, steps);
  const decode: Parameters<typeof report>[1] = [];
  const cases = split.test.slice(0, 128 * 2).map((c) => c.history);
  t0 = performance.now();
  for (let b = 0; b < 2; b++) decode.push(...(await tf.profile(() => { model.rank(historyBatch(cases.slice(b * 128, (b + 1) * 128), 20)); })).kernels);
  report('ranking 128 users', decode, performance.now() - t0, 2);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
