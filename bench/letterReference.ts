/**
 * Code-usage and collision statistics of the LETTER reference IDs for Amazon Beauty
 * (`../shared/data/beauty/reference_letter_sids.json` beside the repository), computed with the same
 * codebookStats the engine reports, so the README can set our IDs beside them.
 *
 *   npx tsx bench/letterReference.ts [--k 256] [path/to/semantic_ids.jsonl]
 *
 * With a semantic_ids.jsonl (a run's), its statistics are printed too; its codebook
 * sizes come from the run's summary.json when it sits beside it.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { codebookStats, type CodebookStats } from '../src/engine/diagnostics/codebookStats';
import { leadingLevels } from '../src/engine/ids/codeMatrix';
import { readLetterIds } from '../src/engine/ids/letterFormat';
import { readSemanticIds } from '../src/engine/ids/semanticIdsFile';

const REFERENCE = path.resolve(__dirname, '..', '..', 'shared', 'data', 'beauty', 'reference_letter_sids.json');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const kAt = args.indexOf('--k');
  const k = kAt >= 0 ? Number(args.splice(kAt, 2)[1]) : 256;
  if (!Number.isInteger(k) || k < 1) throw new Error('--k needs a positive integer');
  const ours = args[0];

  const letter = await readLetterIds(REFERENCE);
  const sizes = letter.observedSizes.map((s) => Math.max(s, k));
  console.log(`LETTER reference IDs, Amazon Beauty: ${letter.items} items, ${letter.levels} levels, K = ${sizes.join('/')}`);
  const first3 = codebookStats(leadingLevels(letter.codes, letter.items, letter.levels, 3), letter.items, sizes.slice(0, 3));
  const all = codebookStats(letter.codes, letter.items, sizes);
  printLevels(all);
  printCollisions('first 3 levels', first3);
  printCollisions(`all ${letter.levels} levels`, all);

  if (ours) {
    const run = await readSemanticIds(ours);
    const summary = path.join(path.dirname(ours), 'summary.json');
    const observed = new Array<number>(run.levels).fill(0);
    run.codes.forEach((c, j) => (observed[j % run.levels] = Math.max(observed[j % run.levels], c + 1)));
    const fromSummary = existsSync(summary) ? (JSON.parse(readFileSync(summary, 'utf8')) as { codebook_size?: number[] }).codebook_size : undefined;
    const ourSizes = fromSummary && fromSummary.length === run.levels ? fromSummary : observed;
    const stats = codebookStats(run.codes, run.ids.length, ourSizes, run.digits);
    console.log(`\n${ours}: ${run.ids.length} items, ${run.levels} levels, K = ${ourSizes.join('/')}`);
    printLevels(stats);
    printCollisions(`all ${run.levels} levels`, stats);
    console.log(`  unique full IDs (with digit): ${pct(stats.uniqueSidRatio ?? 0)}`);
  }
}

function printLevels(s: CodebookStats): void {
  console.log('  level  usage    perplexity  gini    dead');
  for (let l = 0; l < s.levels; l++) {
    console.log(
      `  ${String(l + 1).padEnd(5)}  ${pct(s.usage[l]).padStart(7)}  ${s.perplexity[l].toFixed(1).padStart(10)}  ${s.gini[l].toFixed(3)}  ${String(s.deadCodes[l]).padStart(4)}`,
    );
  }
}

function printCollisions(label: string, s: CodebookStats): void {
  console.log(
    `  ${label}: collision rate ${pct(s.collisionRate)} (${s.items - s.distinctTuples} items beyond ${s.distinctTuples} distinct tuples), largest group ${s.maxCollisions}`,
  );
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
