/**
 * `npm run bench:eval -- --end-to-end`: issue 9's figure, the default experiment trained
 * and evaluated by one `semid train` (Beauty, 3,000 steps, the default `eval` block:
 * retriever, popularity and SASRec), once with SASRec on its second thread
 * (`eval.parallel: true`, the default) and once in line, back to back in this script;
 * prints each run's wall time, its split (tokenizer / evaluation), the load beside it,
 * and the ratio. About 70 minutes on an idle 2-core machine; needs dist/ (npm run build).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = path.resolve(__dirname, '..');
const load = (): string => os.loadavg().map((x) => x.toFixed(1)).join(' ');

interface Timed {
  parallel: boolean;
  wall: number;
  tokenizer: number;
  evaluation: number;
  loadBefore: string;
  loadAfter: string;
}

function runOnce(parallel: boolean, out: string): Timed {
  const loadBefore = load();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [
    path.join(ROOT, 'dist', 'cli.js'), 'train', path.join(ROOT, 'examples', 'beauty', 'beauty.rqvae.yaml'),
    '--set', 'eval.enabled=true', '--set', `eval.parallel=${parallel}`, '--out', out,
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`semid train exited ${r.status}`);
  const runDir = r.stdout.trim().split('\n').pop() as string;
  const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as { seconds: number };
  const report = JSON.parse(fs.readFileSync(path.join(runDir, 'eval.json'), 'utf8')) as { seconds: number };
  return { parallel, wall, tokenizer: summary.seconds, evaluation: report.seconds, loadBefore, loadAfter: load() };
}

export function endToEnd(): void {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-e2e-'));
  try {
    console.log(`end to end: default Beauty experiment + default eval; ${os.availableParallelism()} cores`);
    const runs = [true, false].map((parallel) => {
      const t = runOnce(parallel, out);
      console.log(`eval.parallel=${parallel}: ${(t.wall / 60).toFixed(1)} min wall (tokenizer ${(t.tokenizer / 60).toFixed(1)} min training, evaluation ${(t.evaluation / 60).toFixed(1)} min); load ${t.loadBefore} -> ${t.loadAfter}`);
      return t;
    });
    console.log(`ratio in line / parallel, wall: ${(runs[1].wall / runs[0].wall).toFixed(2)}; evaluation alone: ${(runs[1].evaluation / runs[0].evaluation).toFixed(2)} (aim: the parallel run <= 30 min)`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
