/**
 * The recipe study's tables from a sweep folder (`semid sweep ... --seeds N` writes
 * comparison.json beside the runs):
 *   1. the IDs: reconstruction, level-0 usage, collisions, users' share and coherence lift
 *      at every depth (recomputed from the IDs, chance exact: coherenceOf)
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
import { pairByUser, readRanks } from '../../src/engine/eval/compareRuns';
import { perUser } from '../../src/engine/eval/metrics';
import { loadRunConfig } from '../../src/engine/config';
import { loadDataset } from '../../src/engine/data/dataset';
import { coherence, type CoherenceAtDepth } from '../../src/engine/diagnostics/coherence';
import { readSemanticIds } from '../../src/engine/ids/semanticIdsFile';
import type { Dataset } from '../../src/engine/data/types';

interface ComparisonEntry {
  variant: string;
}

interface Run {
  seed: number;
  dir: string;
  summary: RunSummary;
}

const args = process.argv.slice(2);
const sasrecAt = args.indexOf('--sasrec');
const sasrecDir = sasrecAt >= 0 ? path.resolve(args.splice(sasrecAt, 2)[1] ?? '') : null;
const [folder, outDir] = args;
if (!folder || !outDir) {
  console.error('usage: npx tsx studies/recipe/table.ts <sweep-folder> <out-dir> [--sasrec <evaluated run with the sasrec baseline>]');
  process.exit(2);
}
// The runs are found in the folder itself, not in comparison.json: sweeps of a subset of
// the variants or seeds (run side by side to use both cores) each rewrite that file.
const comparisonFile = path.join(folder, 'comparison.json');
const order = fs.existsSync(comparisonFile) ? (JSON.parse(fs.readFileSync(comparisonFile, 'utf8')) as ComparisonEntry[]).map((e) => e.variant) : [];
const found = new Map<string, Map<number, Run>>();
for (const name of fs.readdirSync(folder).sort()) {
  const file = path.join(folder, name, 'summary.json');
  if (!fs.existsSync(file)) continue;
  const summary = JSON.parse(fs.readFileSync(file, 'utf8')) as RunSummary;
  if (summary.status !== 'completed' || !summary.variant) continue;
  const bySeed = found.get(summary.variant) ?? new Map<number, Run>();
  // Run folders are named by start time: a later completed run of the same seed replaces an earlier one.
  if (bySeed.has(summary.seed)) console.error(`${summary.variant} seed ${summary.seed}: ${name} replaces ${path.basename((bySeed.get(summary.seed) as Run).dir)}`);
  bySeed.set(summary.seed, { seed: summary.seed, dir: path.join(folder, name), summary });
  found.set(summary.variant, bySeed);
}
const rank = (v: string): number => (order.includes(v) ? order.indexOf(v) : order.length);
const variants = new Map<string, Run[]>(
  [...found.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((v) => [v, [...(found.get(v) as Map<number, Run>).values()].sort((a, b) => a.seed - b.seed)]),
);

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

/**
 * Coherence recomputed from the run's IDs with the engine's current definition (chance
 * as the exact mean over all other users; runs before it sampled one partner per user,
 * which left about ten agreeing pairs at depth 3 to divide by). One dataset load per
 * data section.
 */
const datasets = new Map<string, Promise<Dataset>>();
async function coherenceOf(dir: string): Promise<CoherenceAtDepth[] | null> {
  const config = await loadRunConfig(dir);
  if (!config.data.interactions) return null;
  const key = JSON.stringify(config.data);
  if (!datasets.has(key)) datasets.set(key, loadDataset(config.data));
  const { catalog, interactions } = await (datasets.get(key) as Promise<Dataset>);
  if (!interactions) return null;
  const ids = await readSemanticIds(path.join(dir, 'semantic_ids.jsonl'));
  const rowOf = new Int32Array(catalog.items.length).fill(-1);
  ids.ids.forEach((id, r) => {
    const item = catalog.indexById.get(id);
    if (item !== undefined) rowOf[item] = r;
  });
  const levels = ids.levels;
  return coherence((i) => ids.codes.subarray(rowOf[i] * levels, (rowOf[i] + 1) * levels), interactions, levels);
}
async function main(): Promise<void> {
  const coherences = new Map<string, CoherenceAtDepth[] | null>();
  for (const runs of variants.values()) for (const r of runs) coherences.set(r.dir, await coherenceOf(r.dir));
  writeTables(coherences);
}

function writeTables(coherences: Map<string, CoherenceAtDepth[] | null>): void {
  // 1. The IDs.
  const idLines = [
    '| variant | seeds | recon | level-0 usage | collisions | users\' share @1 / @2 / @3 | coherence lift @1 / @2 / @3 (users ÷ chance) | collab InfoNCE | collab accuracy (× chance) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const idRows: Record<string, unknown> = {};
  for (const [variant, runs] of variants) {
    const s = runs.map((r) => r.summary);
    const lift = (depth: number): number[] =>
      runs.flatMap((r) => {
        const c = coherences.get(r.dir)?.find((c) => c.depth === depth);
        return c && c.random > 0 ? [c.users / c.random] : [];
      });
    const share = (depth: number): number[] => runs.flatMap((r) => coherences.get(r.dir)?.filter((c) => c.depth === depth).map((c) => c.users) ?? []);
    const tails = runs.map((r) => collabTail(r.dir)).filter((t): t is NonNullable<typeof t> => t !== null);
    const row = {
      seeds: runs.map((r) => r.seed),
      recon: meanStd(present(s.map((x) => x.recon_loss))),
      usage0: meanStd(s.map((x) => x.usage[0]), 100, 1),
      collisions: meanStd(present(s.map((x) => x.collision_rate)), 100, 1),
      share: [1, 2, 3].map((d) => meanStd(share(d), 1, d === 1 ? 3 : 4)),
      lift: [1, 2, 3].map((d) => meanStd(lift(d), 1, 1)),
      collab: tails.length > 0 ? meanStd(tails.map((t) => t.loss), 1, 2) : '–',
      accuracy: tails.length > 0 ? `${meanStd(tails.map((t) => t.accuracy), 100, 2)}%${timesChance(tails)}` : '–',
    };
    idRows[variant] = row;
    idLines.push(`| ${variant} | ${row.seeds.join(', ')} | ${row.recon} | ${row.usage0}% | ${row.collisions}% | ${row.share.join(' / ')} | ${row.lift.join(' / ')} | ${row.collab} | ${row.accuracy} |`);
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
  let sasrec: Record<string, number> | null = null;
  if (sasrecDir) {
    // SASRec does not read the IDs: trained once, on the split every run shares.
    const e = JSON.parse(fs.readFileSync(path.join(sasrecDir, 'eval.json'), 'utf8')) as { baselines?: { sasrec?: { test: Record<string, number> } } };
    if (!e.baselines?.sasrec) throw new Error(`${sasrecDir}/eval.json: no sasrec baseline`);
    sasrec = e.baselines.sasrec.test;
    retrievalLines.push(`| SASRec (same split, trained once) | – | ${metrics.map((m) => f((sasrec as Record<string, number>)[m])).join(' | ')} |`);
  }
  if (popularity) {
    // Popularity does not depend on the IDs: every run scores the same counts on the same split.
    retrievalLines.push(`| most-popular (same split) | – | ${metrics.map((m) => f((popularity as Record<string, number[]>)[m][0])).join(' | ')} |`);
  }

  // 3. Paired differences. A side is a variant's retriever (one run a seed) or SASRec (one
  // run for every seed: it does not read the IDs).
  interface Side {
    label: string;
    model: 'retriever' | 'sasrec';
    /** The run to read for a seed; undefined when that seed has none. */
    dirFor(seed: number): string | undefined;
    /** null: any seed (SASRec). */
    seeds: number[] | null;
  }
  const variantSide = (variant: string): Side => {
    const bySeed = new Map((variants.get(variant) ?? []).filter((r) => r.summary.eval).map((r) => [r.seed, r.dir]));
    return { label: variant, model: 'retriever', dirFor: (seed) => bySeed.get(seed), seeds: [...bySeed.keys()] };
  };
  const sasrecSide: Side | null = sasrecDir ? { label: 'sasrec', model: 'sasrec', dirFor: () => sasrecDir, seeds: null } : null;
  const pairs: [Side, Side][] = [
    ['baseline', 'full'],
    ['rkmeans', 'full'],
    ['baseline', 'full-fused'],
    ['fused-plain', 'full-fused'],
    ['baseline', 'rkmeans'],
    ['fused-plain', 'full-fused-items'],
    ['full-fused', 'full-fused-items'],
    ['full-fused', 'full-fused-fade'],
    ['fused-plain', 'full-fused-fade'],
  ].map(([a, b]) => [variantSide(a), variantSide(b)]);
  if (sasrecSide) for (const v of ['full', 'full-fused', 'rkmeans']) pairs.push([variantSide(v), sasrecSide]);
  const pairedLines = [
    '| B − A | metric | per seed: difference [95% paired interval] | over seeds: mean difference [95% interval over users], p |',
    '| --- | --- | --- | --- |',
  ];
  const pairedRows: unknown[] = [];
  // Each run's ranks file is read once, though many pairs and both metrics use it.
  const ranksFiles = new Map<string, ReturnType<typeof readRanks>>();
  const testRanks = (dir: string, model: Side['model']): { users: string[]; test: ArrayLike<number> } | null => {
    const r = ranksFiles.get(dir) ?? readRanks(dir);
    ranksFiles.set(dir, r);
    const m = r.models[model];
    return m ? { users: r.users, test: m.test } : null;
  };
  for (const [A, B] of pairs) {
    const seeds = A.seeds === null ? B.seeds : B.seeds === null ? A.seeds : A.seeds.filter((x) => (B.seeds as number[]).includes(x));
    if (!seeds || seeds.length === 0) continue;
    seeds.sort((x, y) => x - y);
    for (const metric of ['recall@10', 'ndcg@10']) {
      const perSeed: string[] = [];
      // users -> summed difference and count, over the seeds both sides completed
      const sums = new Map<string, { d: number; n: number }>();
      const seedRows: unknown[] = [];
      for (const seed of seeds) {
        const ranksA = testRanks(A.dirFor(seed) as string, A.model);
        const ranksB = testRanks(B.dirFor(seed) as string, B.model);
        if (!ranksA || !ranksB) continue;
        const paired = pairByUser(ranksA.users, ranksA.test, ranksB.users, ranksB.test);
        const [ya, yb] = [perUser(paired.a, metric), perUser(paired.b, metric)];
        paired.users.forEach((u, k) => {
          const s = sums.get(u) ?? { d: 0, n: 0 };
          s.d += yb[k] - ya[k];
          s.n += 1;
          sums.set(u, s);
        });
        const d = pairedBootstrap(ya, yb, { samples: 2000, seed: 0 });
        seedRows.push({ seed, ...d });
        perSeed.push(`seed ${seed}: ${signed(d.difference)} [${signed(d.low)}, ${signed(d.high)}]`);
      }
      if (seedRows.length === 0) continue;
      const users = [...sums.values()];
      const over = pairedBootstrap(new Float64Array(users.length), Float64Array.from(users, (s) => s.d / s.n), { samples: 2000, seed: 0 });
      pairedRows.push({ a: A.label, b: B.label, metric, seeds: seedRows, over_seeds: over });
      const p = over.p < 0.001 ? '< .001' : `= ${f(over.p, 3)}`;
      pairedLines.push(`| ${B.label} − ${A.label} | ${metric} | ${perSeed.join('; ')} | ${signed(over.difference)} [${signed(over.low)}, ${signed(over.high)}], p ${p} |`);
    }
  }

  fs.mkdirSync(outDir, { recursive: true });
  for (const file of ['comparison.json', 'comparison.md']) {
    // Run paths relative to the study folder, so the copies read the same on any machine.
    const text = fs.readFileSync(path.join(folder, file), 'utf8').split(path.resolve(folder, '..', '..') + path.sep).join('');
    fs.writeFileSync(path.join(outDir, file), text);
  }
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ ids: idRows, retrieval: retrievalRows, popularity, sasrec, paired: pairedRows }, null, 1) + '\n');
  // A tokenizer-only sweep (eval off) has no retrieval: its sections are left out, not printed empty.
  const evaluated = Object.keys(retrievalRows).length > 0;
  const md = [
    'IDs (mean ± sample std over seeds; collaborative figures: the last 12 logged steps of each run):',
    '',
    ...idLines,
    ...(evaluated
      ? ['', 'Retrieval, test split (leave-one-out), mean ± std over seeds:', '', ...retrievalLines, '', 'Paired differences (the same users; 2,000 bootstrap resamples):', '', ...pairedLines]
      : []),
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'results.md'), md + '\n');
  console.log(md);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
