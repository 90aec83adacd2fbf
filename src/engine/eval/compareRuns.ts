/**
 * `semid compare <run-a> <run-b>`: the users both runs evaluated, paired; per metric
 * the difference b - a with a paired-bootstrap 95% interval and a p-value
 * (bootstrap.ts). Reads each run's eval_ranks.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvalModelName, EvalRanksFile } from '../../protocol';
import { pairedBootstrap, type PairedDifference } from './bootstrap';
import { METRIC_NAMES, mean, perUser } from './metrics';
import { EVAL_FILES, EvalInputError } from './evaluateRun';

export interface MetricComparison extends PairedDifference {
  metric: string;
  a: number;
  b: number;
}

export interface RunComparison {
  a: { run: string; model: EvalModelName };
  b: { run: string; model: EvalModelName };
  split: 'valid' | 'test';
  /** Users in both runs' evaluations (the others are left out). */
  users: number;
  metrics: MetricComparison[];
}

export interface CompareOptions {
  modelA?: EvalModelName;
  modelB?: EvalModelName;
  split?: 'valid' | 'test';
  samples?: number;
  seed?: number;
}

export function readRanks(runDir: string): EvalRanksFile {
  const file = path.join(runDir, EVAL_FILES.ranks);
  if (!fs.existsSync(file)) throw new EvalInputError(`${runDir}: no ${EVAL_FILES.ranks}; evaluate the run first (semid eval ${runDir})`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as EvalRanksFile;
  } catch (e) {
    throw new EvalInputError(`${file}: cannot read (${(e as Error).message})`);
  }
}

export function compareRuns(runA: string, runB: string, opts: CompareOptions = {}): RunComparison {
  const split = opts.split ?? 'test';
  const modelA = opts.modelA ?? 'retriever';
  const modelB = opts.modelB ?? modelA;
  const a = readRanks(runA);
  const b = readRanks(runB);
  const ranksA = pick(a, modelA, split, runA);
  const ranksB = pick(b, modelB, split, runB);
  const { a: pairedA, b: pairedB } = pairByUser(a.users, ranksA, b.users, ranksB);
  if (pairedA.length === 0) throw new EvalInputError(`${runA} and ${runB} have no evaluated user in common`);
  const metrics = METRIC_NAMES.map((metric) => {
    const x = perUser(pairedA, metric);
    const y = perUser(pairedB, metric);
    return { metric, a: mean(x), b: mean(y), ...pairedBootstrap(x, y, { samples: opts.samples ?? 2000, seed: opts.seed ?? 0 }) };
  });
  return { a: { run: runA, model: modelA }, b: { run: runB, model: modelB }, split, users: pairedA.length, metrics };
}

/** The users both evaluations ranked, in A's order, with each side's rank for them. */
export function pairByUser(
  usersA: readonly string[],
  ranksA: ArrayLike<number>,
  usersB: readonly string[],
  ranksB: ArrayLike<number>,
): { users: string[]; a: number[]; b: number[] } {
  const indexB = new Map(usersB.map((u, i) => [u, i]));
  const out = { users: [] as string[], a: [] as number[], b: [] as number[] };
  usersA.forEach((user, i) => {
    const j = indexB.get(user);
    if (j === undefined) return;
    out.users.push(user);
    out.a.push(ranksA[i]);
    out.b.push(ranksB[j]);
  });
  return out;
}

function pick(file: EvalRanksFile, model: EvalModelName, split: 'valid' | 'test', run: string): number[] {
  const entry = file.models[model];
  if (entry === undefined) {
    throw new EvalInputError(`${run}: no '${model}' in its evaluation (it has ${Object.keys(file.models).join(', ') || 'none'})`);
  }
  return entry[split];
}

/** The comparison as a plain-text table. */
export function formatComparison(c: RunComparison): string {
  const lines = [
    `A: ${c.a.run} (${c.a.model})`,
    `B: ${c.b.run} (${c.b.model})`,
    `${c.split} split, ${c.users} users paired; B - A with a paired-bootstrap 95% interval (${c.metrics[0]?.samples ?? 0} resamples)`,
    '',
    `${'metric'.padEnd(10)} ${'A'.padStart(8)} ${'B'.padStart(8)} ${'B - A'.padStart(9)}  ${'95% interval'.padEnd(21)} ${'p'.padStart(7)}`,
  ];
  for (const m of c.metrics) {
    const interval = `[${signed(m.low)}, ${signed(m.high)}]`;
    lines.push(`${m.metric.padEnd(10)} ${m.a.toFixed(4).padStart(8)} ${m.b.toFixed(4).padStart(8)} ${signed(m.difference).padStart(9)}  ${interval.padEnd(21)} ${formatP(m.p).padStart(7)}`);
  }
  return lines.join('\n') + '\n';
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
}

function formatP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}
