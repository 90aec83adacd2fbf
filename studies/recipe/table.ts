/**
 * The recipe study's tables from a sweep folder (`semid sweep ... --seeds N` writes
 * comparison.json beside the runs):
 *   1. the IDs: reconstruction, level-0 usage, collisions, coherence lift at every depth
 *      and the collaborative term's InfoNCE / in-batch accuracy (mean of the run's last
 *      12 logged steps), mean ± sample std over seeds;
 *   2. retrieval, test split: the generative retriever on each variant's IDs and the
 *      most-popular baseline, mean ± std over seeds;
 *   3. paired differences in test Recall@10 / NDCG@10 between variants: per seed (the
 *      same users, paired bootstrap) and over seeds (each user's difference averaged over
 *      the seeds both variants completed, then bootstrapped over users).
 *   npx tsx studies/recipe/table.ts <sweep-folder> <out-dir>
 * Writes <out-dir>/results.json and results.md, and copies comparison.{json,md}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LossesEvent, RunSummary } from '../../src/protocol';
import { pairedBootstrap } from '../../src/engine/eval/bootstrap';
import { readRanks } from '../../src/engine/eval/compareRuns';
import { perUser } from '../../src/engine/eval/metrics';

interface ComparisonEntry {
  variant: string;
  seeds: number[];
  runs: string[];
}

interface Run {
  seed: number;
  dir: string;
  summary: RunSummary;
}

const [folder, outDir] = process.argv.slice(2);
if (!folder || !outDir) {
  console.error('usage: npx tsx studies/recipe/table.ts <sweep-folder> <out-dir>');
  process.exit(2);
}
const entries = JSON.parse(fs.readFileSync(path.join(folder, 'comparison.json'), 'utf8')) as ComparisonEntry[];
const resolveRun = (dir: string): string => (path.isAbsolute(dir) ? dir : path.resolve(folder, '..', '..', dir));
const variants = new Map<string, Run[]>();
for (const e of entries) {
  const runs = e.runs.map((dir) => {
    const abs = fs.existsSync(resolveRun(dir)) ? resolveRun(dir) : path.join(folder, path.basename(dir));
    const summary = JSON.parse(fs.readFileSync(path.join(abs, 'summary.json'), 'utf8')) as RunSummary;
    return { seed: summary.seed, dir: abs, summary };
  });
  variants.set(e.variant, runs);
}

const f = (x: number, d = 4): string => x.toFixed(d).replace(/^(-?)0\./, '$1.');
const signed = (x: number, d = 4): string => `${x >= 0 ? '+' : '−'}${f(Math.abs(x), d)}`;
/** ".0433" for "0.0433", as the papers' tables write rates. */
const trimZero = (text: string): string => text.replace(/^(-?)0\./, '$1.');
function meanStd(values: number[], scale = 1, d = 3): string {
  if (values.length === 0) return '–';
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  // One seed has no spread to show: the value alone (the seeds column says how many).
  if (values.length === 1) return trimZero((m * scale).toFixed(d));
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
  return `${trimZero((m * scale).toFixed(d))} ±${trimZero((sd * scale).toFixed(d))}`;
}

/** Mean collaborative InfoNCE, accuracy and chance over the last 12 `losses` events that carry them. */
function collabTail(dir: string): { loss: number; accuracy: number; chance: number } | null {
  const rows: { collab: number; collab_accuracy: number; collab_chance: number }[] = [];
  for (const line of fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n')) {
    if (!line.includes('"losses"')) continue;
    try {
      const e = JSON.parse(line) as Partial<LossesEvent>;
      if (e.type === 'losses' && typeof e.collab === 'number' && typeof e.collab_accuracy === 'number') {
        rows.push({ collab: e.collab, collab_accuracy: e.collab_accuracy, collab_chance: e.collab_chance?.accuracy ?? NaN });
      }
    } catch {
      // a torn last line of an interrupted run
    }
  }
  const tail = rows.slice(-12);
  if (tail.length === 0) return null;
  const avg = (k: keyof (typeof rows)[number]): number => tail.reduce((s, r) => s + r[k], 0) / tail.length;
  return { loss: avg('collab'), accuracy: avg('collab_accuracy'), chance: avg('collab_chance') };
}

const present = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);

/** " (N× chance)" when the runs logged the chance level (older runs did not). */
function timesChance(tails: { accuracy: number; chance: number }[]): string {
  if (!tails.every((t) => Number.isFinite(t.chance) && t.chance > 0)) return '';
  return ` (${(tails.reduce((a, t) => a + t.accuracy / t.chance, 0) / tails.length).toFixed(0)}×)`;
}

// 1. The IDs.
const idLines = [
  '| variant | seeds | recon | level-0 usage | collisions | coherence lift @1 / @2 / @3 (users ÷ random pairs) | collab InfoNCE | collab accuracy (× chance) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
];
const idRows: Record<string, unknown> = {};
for (const [variant, runs] of variants) {
  const s = runs.map((r) => r.summary);
  const lift = (depth: number): number[] =>
    s.flatMap((x) => {
      const c = x.coherence?.find((c) => c.depth === depth);
      return c && c.random > 0 ? [c.users / c.random] : [];
    });
  const tails = runs.map((r) => collabTail(r.dir)).filter((t): t is NonNullable<typeof t> => t !== null);
  const row = {
    seeds: runs.map((r) => r.seed),
    recon: meanStd(present(s.map((x) => x.recon_loss))),
    usage0: meanStd(s.map((x) => x.usage[0]), 100, 1),
    collisions: meanStd(present(s.map((x) => x.collision_rate)), 100, 1),
    lift: [1, 2, 3].map((d) => meanStd(lift(d), 1, 1)),
    collab: tails.length > 0 ? meanStd(tails.map((t) => t.loss), 1, 2) : '–',
    accuracy: tails.length > 0 ? `${meanStd(tails.map((t) => t.accuracy), 100, 2)}%${timesChance(tails)}` : '–',
  };
  idRows[variant] = row;
  idLines.push(`| ${variant} | ${row.seeds.join(', ')} | ${row.recon} | ${row.usage0}% | ${row.collisions}% | ${row.lift.join(' / ')} | ${row.collab} | ${row.accuracy} |`);
}

// 2. Retrieval.
const metrics = ['recall@5', 'ndcg@5', 'recall@10', 'ndcg@10'] as const;
const retrievalLines = [`| IDs (generative retriever) | seeds | ${metrics.join(' | ')} |`, `| --- | --- | ${metrics.map(() => '---').join(' | ')} |`];
const retrievalRows: Record<string, Record<string, string>> = {};
let popularity: Record<string, number[]> | null = null;
for (const [variant, runs] of variants) {
  const evaluated = runs.filter((r) => r.summary.eval !== undefined);
  if (evaluated.length === 0) continue;
  const cells: Record<string, string> = {};
  for (const m of metrics) cells[m] = meanStd(evaluated.map((r) => (r.summary.eval as Record<string, number>)[m]), 1, 4);
  retrievalRows[variant] = cells;
  retrievalLines.push(`| ${variant} | ${evaluated.map((r) => r.seed).join(', ')} | ${metrics.map((m) => cells[m]).join(' | ')} |`);
  for (const r of evaluated) {
    const e = r.summary.eval as Record<string, number>;
    if (e['popularity_recall@10'] === undefined) continue;
    popularity ??= Object.fromEntries(metrics.map((m) => [m, []]));
    for (const m of metrics) popularity[m].push(e[`popularity_${m}`]);
  }
}
if (popularity) {
  // Popularity does not depend on the IDs: every run scores the same counts on the same split.
  retrievalLines.push(`| most-popular (same split) | – | ${metrics.map((m) => f((popularity as Record<string, number[]>)[m][0])).join(' | ')} |`);
}

// 3. Paired differences.
const pairs: [string, string][] = [
  ['baseline', 'full'],
  ['rkmeans', 'full'],
  ['baseline', 'full-fused'],
  ['fused-plain', 'full-fused'],
  ['baseline', 'rkmeans'],
];
const pairedLines = [
  '| B − A | metric | per seed: difference [95% paired interval] | over seeds: mean difference [95% interval over users], p |',
  '| --- | --- | --- | --- |',
];
const pairedRows: unknown[] = [];
for (const [a, b] of pairs) {
  const runsA = new Map((variants.get(a) ?? []).filter((r) => r.summary.eval).map((r) => [r.seed, r]));
  const runsB = (variants.get(b) ?? []).filter((r) => r.summary.eval && runsA.has(r.seed));
  if (runsB.length === 0) continue;
  for (const metric of ['recall@10', 'ndcg@10']) {
    const perSeed: string[] = [];
    // users -> summed difference and count, over the seeds both variants completed
    const sums = new Map<string, { d: number; n: number }>();
    const seedRows: unknown[] = [];
    for (const rb of runsB) {
      const ra = runsA.get(rb.seed) as Run;
      const ranksA = readRanks(ra.dir);
      const ranksB = readRanks(rb.dir);
      const index = new Map(ranksB.users.map((u, i) => [u, i]));
      const xa: number[] = [];
      const xb: number[] = [];
      ranksA.users.forEach((u, i) => {
        const j = index.get(u);
        if (j === undefined || !ranksA.models.retriever || !ranksB.models.retriever) return;
        xa.push(ranksA.models.retriever.test[i]);
        xb.push(ranksB.models.retriever.test[j]);
        const ya = perUser([ranksA.models.retriever.test[i]], metric)[0];
        const yb = perUser([ranksB.models.retriever.test[j]], metric)[0];
        const s = sums.get(u) ?? { d: 0, n: 0 };
        s.d += yb - ya;
        s.n += 1;
        sums.set(u, s);
      });
      const d = pairedBootstrap(perUser(xa, metric), perUser(xb, metric), { samples: 2000, seed: 0 });
      seedRows.push({ seed: rb.seed, ...d });
      perSeed.push(`seed ${rb.seed}: ${signed(d.difference)} [${signed(d.low)}, ${signed(d.high)}]`);
    }
    const users = [...sums.values()];
    const over = pairedBootstrap(new Float64Array(users.length), Float64Array.from(users, (s) => s.d / s.n), { samples: 2000, seed: 0 });
    pairedRows.push({ a, b, metric, seeds: seedRows, over_seeds: over });
    const p = over.p < 0.001 ? '< .001' : `= ${f(over.p, 3)}`;
    pairedLines.push(`| ${b} − ${a} | ${metric} | ${perSeed.join('; ')} | ${signed(over.difference)} [${signed(over.low)}, ${signed(over.high)}], p ${p} |`);
  }
}

fs.mkdirSync(outDir, { recursive: true });
for (const file of ['comparison.json', 'comparison.md']) {
  // Run paths relative to the study folder, so the copies read the same on any machine.
  const text = fs.readFileSync(path.join(folder, file), 'utf8').split(path.resolve(folder, '..', '..') + path.sep).join('');
  fs.writeFileSync(path.join(outDir, file), text);
}
fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ ids: idRows, retrieval: retrievalRows, popularity, paired: pairedRows }, null, 1) + '\n');
const md = [
  'IDs (mean ± sample std over seeds; collaborative figures: the last 12 logged steps of each run):',
  '',
  ...idLines,
  '',
  'Retrieval, test split (leave-one-out), mean ± std over seeds:',
  '',
  ...retrievalLines,
  '',
  'Paired differences (the same users; 2,000 bootstrap resamples):',
  '',
  ...pairedLines,
].join('\n');
fs.writeFileSync(path.join(outDir, 'results.md'), md + '\n');
console.log(md);
