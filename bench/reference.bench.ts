/**
 * `npm run bench:ref` (issue 3, item 1): the engine's training step beside a PyTorch
 * reference of the same model on the same machine, then Beauty end to end.
 *
 * Model: 768 -> 512 -> 256 -> 128 -> 32, mirrored decoder, 3 x 256 codes, batch 1024,
 * Adam, the loss of design §4 (bench/torch_step_reference.py). PyTorch is Debian's
 * python3-torch run with /usr/bin/python3 on the CPU with 1 and 2 threads; the script
 * installs it with apt when missing (never a dependency of the product), and an
 * optimised BLAS for it (Debian's torch links the generic libblas.so.3 alternative:
 * with the reference BLAS a matMul is ~15x slower and the comparison meaningless).
 *
 * Per-step times are given as wall time and as process CPU time: on a machine other
 * jobs share, CPU time is the fairer measure of two single-threaded programs, and the
 * headline ratio uses it (the wall ratio is printed beside it, with the load average).
 *   node --import tsx bench/reference.bench.ts [--steps 20] [--beauty-epochs 10] [--no-beauty] [--backend=wasm]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/engine/tf/backend';
import type { BackendRequest } from '../src/engine/config/experiment';
import { DEFAULT_STEP_MODEL, timeTrainingSteps } from './stepTimer';
import { PYTHON, ensurePythonModules } from './pythonTorch';

const root = path.resolve(__dirname, '..');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? Number(process.argv[i + 1]) : fallback;
}

const load = (): string => `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;

const ensureTorch = (): boolean => ensurePythonModules(['torch'], ['python3-torch']);

interface TorchTiming {
  threads: number;
  wall_ms_per_step: number;
  cpu_ms_per_step: number;
  torch: string;
}

function torchStep(threads: number, steps: number): TorchTiming | null {
  const t = String(threads);
  const r = spawnSync(PYTHON, [path.join(root, 'bench', 'torch_step_reference.py'), '--threads', t, '--steps', String(steps)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t },
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as TorchTiming;
  } catch {
    console.log(`PyTorch (${threads} thread) failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
}

/** Beauty with the default experiment for `epochs` epochs through the CLI; the full run extrapolated. */
function beautyEndToEnd(epochs: number): void {
  const cli = path.join(root, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) {
    console.log('Beauty end to end skipped: dist/cli.js is missing (npm run build)');
    return;
  }
  const experiment = path.join(root, 'examples', 'beauty', 'beauty.rqvae.yaml');
  const fullEpochs = Number(/epochs:\s*(\d+)/.exec(fs.readFileSync(experiment, 'utf8'))?.[1] ?? 250);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-bench-beauty-'));
  try {
    const t0 = performance.now();
    const train = spawnSync(process.execPath, [cli, 'train', experiment, '--set', `train.epochs=${epochs}`, '--out', out], { encoding: 'utf8', cwd: root });
    const trainS = (performance.now() - t0) / 1000;
    const runDir = train.stdout.trim().split('\n').pop() ?? '';
    if (train.status !== 0 || !fs.existsSync(path.join(runDir, 'metrics.jsonl'))) {
      console.log(`Beauty end to end failed: ${train.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      return;
    }
    const events = fs
      .readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { type: string; time: string; step: number; total_steps?: number });
    const started = events.find((e) => e.type === 'run_started');
    const losses = events.filter((e) => e.type === 'losses');
    const first = losses[0];
    const last = losses[losses.length - 1];
    const stepS = (Date.parse(last.time) - Date.parse(first.time)) / 1000 / Math.max(1, last.step - first.step);
    const steps = last.step;
    const fullSteps = (started?.total_steps ?? steps) * (fullEpochs / epochs);
    const fixedS = trainS - stepS * steps;
    const t1 = performance.now();
    const ids = spawnSync(process.execPath, [cli, 'ids', runDir, '--out', path.join(out, 'ids.jsonl')], { encoding: 'utf8', cwd: root });
    const idsS = (performance.now() - t1) / 1000;
    console.log(`Beauty (12,101 items, tf-idf + SVD 256-d, default model), measured ${epochs} epochs = ${steps} steps: ${trainS.toFixed(1)} s (${(stepS * 1000).toFixed(0)} ms/step; featurize, k-means, assign and save ${fixedS.toFixed(1)} s); ${load()}`);
    console.log(`Beauty full run, EXTRAPOLATED to ${fullEpochs} epochs = ${fullSteps} steps: ${(fixedS + stepS * fullSteps).toFixed(0)} s`);
    console.log(`semid ids on the run (12,101 items, featurized again): ${ids.status === 0 ? `${idsS.toFixed(1)} s` : `failed: ${ids.stderr.trim().split('\n').pop()}`}`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const steps = arg('steps', 20);
  const backendArg = process.argv.find((a) => a.startsWith('--backend='))?.split('=')[1] as BackendRequest | undefined;
  const runtime = await initBackend(backendArg ?? 'auto', null);
  const m = DEFAULT_STEP_MODEL;
  console.log(`model: ${m.dim} -> ${m.encoder.join(' -> ')} -> ${m.latent}, ${m.levels} x ${m.codes} codes, batch ${m.batch}, Adam; ${steps} timed steps`);
  const loadBefore = load();
  const ours = timeTrainingSteps(runtime.tf, m, steps);
  console.log(`ours (${runtime.reason}): ${ours.wallMsPerStep.toFixed(0)} ms/step wall, ${ours.cpuMsPerStep.toFixed(0)} ms/step CPU; ${loadBefore}`);
  if (ensureTorch()) {
    const one = torchStep(1, steps);
    const two = torchStep(2, steps);
    if (one) console.log(`pytorch ${one.torch}, 1 thread: ${one.wall_ms_per_step.toFixed(0)} ms/step wall, ${one.cpu_ms_per_step.toFixed(0)} ms/step CPU; ${load()}`);
    if (two) console.log(`pytorch ${two.torch}, 2 threads: ${two.wall_ms_per_step.toFixed(0)} ms/step wall (CPU ${two.cpu_ms_per_step.toFixed(0)} ms summed over threads); ${load()}`);
    if (one) {
      console.log(`ratio (ours/pytorch throughput): ${(one.cpu_ms_per_step / ours.cpuMsPerStep).toFixed(2)}`);
      console.log(`  (1-thread reference, per-step CPU time; wall-clock ratio ${(one.wall_ms_per_step / ours.wallMsPerStep).toFixed(2)})`);
    }
    if (two) console.log(`ratio vs pytorch 2 threads (wall): ${(two.wall_ms_per_step / ours.wallMsPerStep).toFixed(2)}`);
  }
  if (!process.argv.includes('--no-beauty')) beautyEndToEnd(arg('beauty-epochs', 10));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
