/**
 * The engine's training step against PyTorch's from identical weights (issue 8, item 4):
 * builds the default model (256 -> 512 -> 256 -> 128 -> 32, 3 x 256 codes, k-means init on
 * 4,096 Beauty rows), writes its variables, takes 5 Adam steps on fixed batches, writes
 * them again, then runs bench/parity_step.py, which takes the same 5 steps in PyTorch from
 * the written weights and prints both loss series and the largest weight differences.
 *   node --import tsx bench/parityStep.ts
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/engine/tf/backend';
import { RqVae } from '../src/engine/model/rqvae';
import { Optimizer } from '../src/engine/model/optimizer';
import { Random } from '../src/engine/util/random';
import type { Scalar } from '../src/engine/tf/types';
import { PYTHON, ensurePythonModules } from './pythonTorch';

const root = path.resolve(__dirname, '..');
const FEATURES = path.resolve(root, '..', 'shared', 'data', 'beauty', 'reference_features_256.f32');
const DIM = 256;
const BATCH = 1024;
const STEPS = 5;

async function main(): Promise<void> {
  if (!fs.existsSync(FEATURES)) {
    console.log(`skipped: ${FEATURES} is missing`);
    return;
  }
  const { tf, backend } = await initBackend('wasm', null);
  const all = new Float32Array(fs.readFileSync(FEATURES).buffer.slice(0));
  const model = new RqVae(tf, { inputDim: DIM, encoder: [512, 256, 128], latentDim: 32, codebookSizes: [256, 256, 256] }, new Random(1));
  await model.initCodebooksFromSample(all.subarray(0, 4096 * DIM), 4096, new Random(2));
  const optimizer = new Optimizer(tf, model.variables(), { name: 'adam', lr: 1e-3, weightDecay: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-parity-step-'));
  try {
    const dump = (file: string): void => {
      const out: Record<string, { shape: number[]; data: number[] }> = {};
      for (const v of model.namedVariables()) out[v.name] = { shape: v.tensor.shape, data: Array.from(v.tensor.dataSync()) };
      fs.writeFileSync(path.join(dir, file), JSON.stringify(out));
    };
    dump('before.json');
    const variables = model.variables();
    const losses: number[] = [];
    for (let s = 0; s < STEPS; s++) {
      const start = s * BATCH;
      tf.tidy(() => {
        const x = tf.tensor2d(all.subarray(start * DIM, (start + BATCH) * DIM), [BATCH, DIM]);
        const { value, grads } = tf.variableGrads(() => model.forward(x, 0.25).total.reshape([]) as Scalar, variables);
        losses.push(value.dataSync()[0]);
        optimizer.apply(variables.map((v) => grads[v.name] ?? null));
      });
    }
    dump('after.json');
    console.log(`engine (${backend}) losses: ${losses.map((l) => l.toFixed(7)).join(' ')}`);
    if (!ensurePythonModules(['torch'], ['python3-torch'])) return;
    const r = spawnSync(PYTHON, [path.join(root, 'bench', 'parity_step.py'), FEATURES, dir, String(STEPS), String(BATCH)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    process.stdout.write(r.stdout);
    if (r.status !== 0) console.log(`pytorch failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
