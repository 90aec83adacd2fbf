/**
 * `npm run bench:parity` (issue 8, item 4): the engine's plain RQ-VAE beside a PyTorch
 * RQ-VAE with the TIGER recipe (bench/parity_reference.py), on identical input: Beauty's
 * reference features (../shared/data/beauty/reference_features_256.f32, 12,101 x 256,
 * tf-idf + SVD; its README says how they were made). Both: 256 -> 512 -> 256 -> 128 -> 32,
 * 3 x 256 codes, batch 1,024, Adam 1e-3, beta 0.25, k-means init, the same number of steps.
 * Prints per level usage, perplexity and dead codes, the collision rate of the 3-code
 * tuples and the final reconstruction loss, for each side and each seed, with the load.
 *
 *   node --import tsx bench/parity.bench.ts [--steps 3000] [--seeds 1] [--seed 0]
 *       [--only ours|pytorch] [--reference-args "--kmeans engine --sampling epochs"]
 *
 * `--steps` is rounded to whole epochs of the engine (12 steps at batch 1,024). The
 * reference's switches mimic one engine difference at a time (see its docstring).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PYTHON, ensurePythonModules } from './pythonTorch';

const root = path.resolve(__dirname, '..');
const beauty = path.resolve(root, '..', 'shared', 'data', 'beauty');
const FEATURES = path.join(beauty, 'reference_features_256.f32');
const ITEMS = path.join(beauty, 'items.jsonl');
const DIM = 256;
const BATCH = 1024;

interface SideResult {
  side: string;
  seed: number;
  steps: number;
  usage: number[];
  perplexity: number[];
  dead_codes: number[];
  collision_rate: number;
  recon_loss: number;
  seconds: number;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

const load = (): string => `load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;

/** The engine through its own CLI (the product path: data loading, k-means init, trainer, summary). */
function ours(steps: number, seed: number): SideResult | null {
  const items = new Set(fs.readFileSync(ITEMS, 'utf8').split('\n').filter((l) => l.trim())).size;
  const epochs = Math.max(1, Math.round(steps / Math.ceil(items / BATCH)));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-parity-'));
  try {
    const experiment = path.join(out, 'parity.rqvae.yaml');
    fs.writeFileSync(
      experiment,
      [
        'name: parity',
        `data: { items: ${JSON.stringify(ITEMS)}, id_field: id, embeddings: ${JSON.stringify(FEATURES)}, embedding_dim: ${DIM} }`,
        'model: { encoder: [512, 256, 128], latent_dim: 32, levels: 3, codebook_size: 256, beta: 0.25 }',
        `train: { epochs: ${epochs}, batch_size: ${BATCH}, lr: 0.001, optimizer: adam, seed: ${seed}, kmeans_init: true }`,
        `output: { dir: ${JSON.stringify(path.join(out, 'runs'))} }`,
        '',
      ].join('\n'),
    );
    const t0 = performance.now();
    const cli = path.join(root, 'src', 'engine', 'cli', 'main.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'train', experiment], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 28 });
    const seconds = (performance.now() - t0) / 1000;
    const runDir = r.stdout.trim().split('\n').pop() ?? '';
    const summaryFile = path.join(runDir, 'summary.json');
    if (r.status !== 0 || !fs.existsSync(summaryFile)) {
      console.log(`ours failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      return null;
    }
    const s = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as Omit<SideResult, 'side' | 'seed' | 'steps' | 'seconds'> & { steps: number };
    return { side: 'ours', seed, steps: s.steps, usage: s.usage, perplexity: s.perplexity, dead_codes: s.dead_codes, collision_rate: s.collision_rate, recon_loss: s.recon_loss, seconds };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function pytorch(steps: number, seed: number, extra: string[]): SideResult | null {
  const script = path.join(root, 'bench', 'parity_reference.py');
  const args = [script, '--features', FEATURES, '--dim', String(DIM), '--steps', String(steps), '--seed', String(seed), ...extra];
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as SideResult & { kmeans: string; sampling: string; loss: string };
    const label = extra.length ? `pytorch (${extra.join(' ')})` : 'pytorch';
    return { ...parsed, side: label };
  } catch {
    console.log(`pytorch failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

function print(r: SideResult): void {
  console.log(
    `${r.side.padEnd(10)} seed ${r.seed}, ${r.steps} steps: usage ${r.usage.map(pct).join(' / ')}; perplexity ${r.perplexity.map((p) => p.toFixed(1)).join(' / ')}; ` +
      `dead ${r.dead_codes.join(' / ')}; collisions ${pct(r.collision_rate)}; recon ${r.recon_loss.toFixed(4)}; ${r.seconds.toFixed(0)} s; ${load()}`,
  );
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function main(): void {
  if (!fs.existsSync(FEATURES) || !fs.existsSync(ITEMS)) {
    console.log(`skipped: ${FEATURES} or ${ITEMS} is missing (the shared data folder beside the repository)`);
    return;
  }
  const steps = Number(option('steps') ?? 3000);
  const seeds = Number(option('seeds') ?? 1);
  const firstSeed = Number(option('seed') ?? 0);
  const only = option('only');
  const extra = (option('reference-args') ?? '').split(/\s+/).filter(Boolean);
  const torchOk = only !== 'ours' && ensurePythonModules(['torch', 'sklearn'], ['python3-torch', 'python3-sklearn']);
  console.log(`Beauty reference features (12,101 x 256), 3 x 256 codes, batch ${BATCH}, Adam 1e-3, beta 0.25, k-means init; ${steps} steps; ${load()}`);
  const results: SideResult[] = [];
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    if (torchOk) {
      const r = pytorch(steps, seed, extra);
      if (r) {
        print(r);
        results.push(r);
      }
    }
    if (only !== 'pytorch') {
      const r = ours(steps, seed);
      if (r) {
        print(r);
        results.push(r);
      }
    }
  }
  if (seeds > 1) {
    for (const side of [...new Set(results.map((r) => r.side))]) {
      const rs = results.filter((r) => r.side === side);
      const levels = rs[0].usage.length;
      const col = (f: (r: SideResult) => number): number => mean(rs.map(f));
      console.log(
        `${side.padEnd(10)} mean of ${rs.length} seeds: usage ${Array.from({ length: levels }, (_, l) => pct(col((r) => r.usage[l]))).join(' / ')}; ` +
          `perplexity ${Array.from({ length: levels }, (_, l) => col((r) => r.perplexity[l]).toFixed(1)).join(' / ')}; collisions ${pct(col((r) => r.collision_rate))}`,
      );
    }
  }
}

main();
