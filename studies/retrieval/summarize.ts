/**
 * The study's tables from evaluated runs: per model, each test metric with a 95%
 * bootstrap interval over users (2,000 resamples, seed 0), and each baseline's paired
 * difference from the generative retriever (B - retriever, paired bootstrap, p-value),
 * from the runs' eval.json and eval_ranks.json.
 *   npx tsx studies/retrieval/summarize.ts <run-dir> <out-dir>
 * Writes <out-dir>/results.json and results.md (and copies eval.json there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvalRanksFile, EvalReport } from '../../src/protocol';
import { METRIC_NAMES, perUser } from '../../src/engine/eval/metrics';
import { pairedBootstrap } from '../../src/engine/eval/bootstrap';

const [runDir, outDir] = process.argv.slice(2);
if (!runDir || !outDir) {
  console.error('usage: npx tsx studies/retrieval/summarize.ts <run-dir> <out-dir>');
  process.exit(2);
}
const report = JSON.parse(fs.readFileSync(path.join(runDir, 'eval.json'), 'utf8')) as EvalReport;
const ranks = JSON.parse(fs.readFileSync(path.join(runDir, 'eval_ranks.json'), 'utf8')) as EvalRanksFile;
const models = Object.keys(ranks.models) as (keyof EvalRanksFile['models'])[];
const zeros = new Float64Array(ranks.users.length);
const f = (x: number): string => x.toFixed(4).replace(/^(-?)0\./, '$1.');
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${f(Math.abs(x))}`;

const table: Record<string, Record<string, { value: number; low: number; high: number }>> = {};
const versus: Record<string, Record<string, { difference: number; low: number; high: number; p: number }>> = {};
for (const model of models) {
  const test = ranks.models[model]?.test ?? [];
  table[model] = {};
  for (const metric of METRIC_NAMES) {
    const values = perUser(test, metric);
    const ci = pairedBootstrap(zeros, values, { samples: 2000, seed: 0 });
    table[model][metric] = { value: ci.difference, low: ci.low, high: ci.high };
    if (model !== 'retriever' && ranks.models.retriever) {
      const d = pairedBootstrap(perUser(ranks.models.retriever.test, metric), values, { samples: 2000, seed: 0 });
      versus[model] ??= {};
      versus[model][metric] = { difference: d.difference, low: d.low, high: d.high, p: d.p };
    }
  }
}
const training = {
  retriever: report.retriever,
  sasrec: report.baselines.sasrec?.model ?? null,
};
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ run: path.basename(runDir), users: report.users, skipped: report.skipped, split: report.split, invalid_rate: report.invalid_rate, test: table, versus_retriever: versus, training }, null, 1) + '\n');
fs.copyFileSync(path.join(runDir, 'eval.json'), path.join(outDir, 'eval.json'));
const lines = [
  `Run ${path.basename(runDir)}: ${report.users} users (${report.skipped} skipped), ${report.split} split, test; invalid IDs ${(report.invalid_rate * 100).toFixed(2)}%.`,
  'Each cell: value [95% bootstrap interval over users].',
  '',
  `| model | ${METRIC_NAMES.join(' | ')} | B − retriever, Recall@10 (paired, 95%) |`,
  `| --- | ${METRIC_NAMES.map(() => '---').join(' | ')} | --- |`,
];
for (const model of models) {
  const cells = METRIC_NAMES.map((m) => `${f(table[model][m].value)} [${f(table[model][m].low)}, ${f(table[model][m].high)}]`);
  const v = versus[model]?.['recall@10'];
  lines.push(`| ${model} | ${cells.join(' | ')} | ${v ? `${signed(v.difference)} [${signed(v.low)}, ${signed(v.high)}], p ${v.p < 0.001 ? '< .001' : `= ${f(v.p)}`}` : '-'} |`);
}
lines.push('', 'Training: ' + Object.entries(training).filter(([, t]) => t).map(([name, t]) => `${name} ${t?.epochs} epochs (best ${t?.best_epoch}), ${t?.steps} steps, ${t?.seconds} s, stopped by ${t?.stopped_by}, ${t?.parameters} parameters`).join('; ') + '.');
fs.writeFileSync(path.join(outDir, 'results.md'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
