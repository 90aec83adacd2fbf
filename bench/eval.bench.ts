/**
 * `npm run bench:eval`: the cost of retrieval evaluation with the default
 * `eval.retrieval` configuration on a real run's IDs (Beauty by default): the
 * retriever's and SASRec's training step (wall and process CPU time), decoding with
 * 20 beams, and the extrapolated time of one epoch and of decoding every user; then the
 * retriever's step on a full batch (128 windows of 20 inputs, every slot a target) beside
 * the same model's step in PyTorch (bench/eval_step_reference.py, Debian python3-torch,
 * 1 thread), and the ratio of their per-step CPU times.
 *   node --import tsx bench/eval.bench.ts [run-dir] [--steps 10] [--decode-batches 3] [--no-reference]
 * (default run: the newest under examples/beauty/runs/beauty/).
 *   node --import tsx bench/eval.bench.ts --end-to-end
 * trains and evaluates the default experiment instead, with and without eval.parallel (bench/evalEndToEnd.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/engine/tf/backend';
import { loadExperiment } from '../src/engine/config';
import { readSemanticIds } from '../src/engine/ids/semanticIdsFile';
import { loadInteractions } from '../src/engine/data/interactions';
import { loadItemIndex } from '../src/engine/data/itemIndex';
import { evaluationSplit, trainingWindows } from '../src/engine/eval/split';
import { SemanticIdTrie } from '../src/engine/eval/semanticIdTrie';
import { GenerativeRetriever } from '../src/engine/eval/model/generativeRetriever';
import { SasRec } from '../src/engine/eval/model/sasrec';
import { historyBatch, trainingBatch } from '../src/engine/eval/model/sequenceBatch';
import { Optimizer } from '../src/engine/model/optimizer';
import { evalRandom } from '../src/engine/eval/streams';
import { lossAndGradients, type SequenceRanker } from '../src/engine/eval/ranker';
import type { TF } from '../src/engine/tf/types';
import { spawnSync } from 'node:child_process';
import { PYTHON, ensurePythonModules } from './pythonTorch';
import { endToEnd } from './evalEndToEnd';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? Number(process.argv[i + 1]) : fallback;
}
const load = (): string => `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;

function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  if (process.argv.includes('--end-to-end')) return endToEnd();
  const runDir = process.argv[2] && !process.argv[2].startsWith('--') ? path.resolve(process.argv[2]) : newestBeautyRun();
  const steps = arg('steps', 10);
  const decodeBatches = arg('decode-batches', 3);
  const config = await loadExperiment(path.join(runDir, 'config.yaml'));
  const options = config.eval.retrieval;
  const { tf, backend } = await initBackend(config.engine.backend, null);
  const ids = await readSemanticIds(path.join(runDir, 'semantic_ids.jsonl'));
  const catalog = { items: ids.ids.map((id) => ({ id, fields: {} })), indexById: new Map(ids.ids.map((id, i) => [id, i])), source: '' };
  const itemIndex = config.data.item_index ? await loadItemIndex(config.data.item_index) : null;
  const split = evaluationSplit((await loadInteractions(config.data.interactions as string, catalog, itemIndex)).sequences, options.max_history);
  const windows = trainingWindows(split);
  const sids = ids.ids.map((_, i) => [...ids.codes.subarray(i * ids.levels, (i + 1) * ids.levels), ids.digits[i]]);
  const shape = { layers: options.layers, heads: options.heads, dModel: options.d_model, ff: options.ff, dropout: options.dropout, maxHistory: options.max_history };
  console.log(`${split.users.length} users, ${windows.length} windows, ${ids.ids.length} items; backend ${backend}; ${load()}`);
  const trie = new SemanticIdTrie(sids, ids.levels + 1);
  const models: [string, SequenceRanker][] = [
    ['retriever', new GenerativeRetriever(tf, shape, trie, sids, evalRandom(0, 'retriever/bench'), options.beams)],
    ['sasrec', new SasRec(tf, shape, ids.ids.length, evalRandom(0, 'retriever/bench'))],
  ];
  const random = evalRandom(0, 'retriever/bench-batches');
  for (const [name, model] of models) {
    const perEpoch = Math.ceil(windows.length / options.batch_size);
    const step = stepTimer(tf, model, options.lr);
    step(trainingBatch(windows.slice(0, options.batch_size).map((w) => w.items), options.max_history)); // warm-up
    let wall = 0;
    let cpu = 0;
    // Batches as training draws them: windows of about one length together (little padding).
    const byLength = [...windows].sort((a, b) => a.items.length - b.items.length);
    for (let s = 0; s < steps; s++) {
      const start = random.int(byLength.length - options.batch_size);
      const batch = byLength.slice(start, start + options.batch_size).map((w) => w.items);
      const t = timed(() => step(trainingBatch(batch, options.max_history)));
      wall += t.wall;
      cpu += t.cpu;
    }
    console.log(`${name}: training step ${(wall / steps).toFixed(0)} ms wall, ${(cpu / steps).toFixed(0)} ms CPU (batch ${options.batch_size}); ` +
      `one epoch (${perEpoch} steps) ~${((perEpoch * cpu) / steps / 1000).toFixed(0)} s CPU; ${load()}`);
    let dWall = 0;
    let dCpu = 0;
    // Users batched by history length, as rankCases does (a spread of lengths: every k-th user of that order).
    const byHistory = [...split.test].sort((a, b) => a.history.length - b.history.length);
    for (let b = 0; b < decodeBatches; b++) {
      const start = Math.floor(((b + 0.5) * byHistory.length) / decodeBatches) - 64;
      const cases = byHistory.slice(Math.max(0, start), Math.max(0, start) + 128);
      const t = timed(() => model.rank(historyBatch(cases.map((c) => c.history), options.max_history)));
      dWall += t.wall;
      dCpu += t.cpu;
    }
    const allBatches = Math.ceil(split.users.length / 128);
    console.log(`${name}: ranking 128 users ${(dWall / decodeBatches).toFixed(0)} ms wall, ${(dCpu / decodeBatches).toFixed(0)} ms CPU` +
      `${name === 'retriever' ? ` (${options.beams} beams)` : ''}; all ${split.users.length} users ~${((allBatches * dCpu) / decodeBatches / 1000).toFixed(0)} s CPU; ${load()}`);
  }
  if (process.argv.includes('--no-reference') || !ensurePythonModules(['torch'], ['python3-torch'])) return;
  // The same full batch on both sides: 128 windows of max_history + 1 items (every slot a target, no padding).
  const rows = options.batch_size;
  const length = options.max_history;
  const fullRandom = evalRandom(0, 'retriever/bench-full');
  const full = Array.from({ length: steps + 1 }, () => trainingBatch(Array.from({ length: rows }, () => Int32Array.from({ length: length + 1 }, () => fullRandom.int(ids.ids.length))), length));
  const step = stepTimer(tf, models[0][1], options.lr);
  step(full[steps]);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) step(full[s]);
  const c = process.cpuUsage(c0);
  const ours = { wall: (performance.now() - t0) / steps, cpu: (c.user + c.system) / 1000 / steps };
  console.log(`retriever, full batch (${rows} x ${length} slots, all targets): ${ours.wall.toFixed(0)} ms wall, ${ours.cpu.toFixed(0)} ms CPU a step; ${load()}`);
  const args = ['--rows', rows, '--length', length, '--layers', options.layers, '--heads', options.heads, '--d-model', options.d_model, '--ff', options.ff, '--vocab', trie.vocab.join(','), '--dropout', options.dropout, '--steps', steps, '--threads', 1].map(String);
  const r = spawnSync(PYTHON, [path.join(__dirname, 'eval_step_reference.py'), ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
  let torch: { torch: string; wall_ms_per_step: number; cpu_ms_per_step: number };
  try {
    torch = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as typeof torch;
  } catch {
    console.log(`PyTorch reference failed: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    return;
  }
  console.log(`pytorch ${torch.torch}, 1 thread, the same model and batch: ${torch.wall_ms_per_step.toFixed(0)} ms wall, ${torch.cpu_ms_per_step.toFixed(0)} ms CPU a step; ${load()}`);
  console.log(`ratio (ours/pytorch throughput, retriever training step): ${(torch.cpu_ms_per_step / ours.cpu).toFixed(2)} (CPU time; wall ${(torch.wall_ms_per_step / ours.wall).toFixed(2)})`);
}

/** The newest completed run of the Beauty example (npm run bench:eval without a run directory). */
function newestBeautyRun(): string {
  const folder = path.resolve(__dirname, '..', 'examples', 'beauty', 'runs', 'beauty');
  const runs = fs.existsSync(folder) ? fs.readdirSync(folder).filter((d) => fs.existsSync(path.join(folder, d, 'semantic_ids.jsonl'))).sort() : [];
  if (runs.length === 0) throw new Error(`no Beauty run in ${folder}: train one first (semid train examples/beauty/beauty.rqvae.yaml), or pass a run directory`);
  return path.join(folder, runs[runs.length - 1]);
}

function stepTimer(tf: TF, model: SequenceRanker, lr: number) {
  let optimizer!: Optimizer;
  tf.tidy(() => {
    optimizer = new Optimizer(tf, model.variables, { name: 'adam', lr, weightDecay: 0 });
  });
  const dropoutRandom = evalRandom(0, 'retriever/bench-dropout');
  return (batch: ReturnType<typeof trainingBatch>): void => {
    const { grads } = lossAndGradients(tf, model, batch, () => dropoutRandom.nextUint32());
    optimizer.apply(grads);
    for (const g of grads) g?.dispose();
  };
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
