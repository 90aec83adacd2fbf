import { parse as parseYaml } from 'yaml';
import { loadExperiment, formatProblem } from '../../config';
import { planSweep, runSweep } from '../../sweep';
import { stopOnInterrupt } from '../interrupts';
import { TerminalReporter, duration } from '../terminalReporter';
import { printSummary } from '../summaryTable';
import { parseCommand } from '../parse';
import { EXIT, UsageError } from '../usage';
import { existingFile } from '../userPaths';
import { readSummary } from '../../run/runDirectory';

/**
 * `semid sweep <experiment.yaml> [--seeds N] [--set k=v]...`: every variant (or grid
 * point) x seed, one run after another; last stdout line: comparison.json.
 * Run it again to continue: finished runs are skipped, an interrupted one resumes.
 */
export async function sweepCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'sweep',
    args,
    { set: { type: 'string', multiple: true }, seeds: { type: 'string' } },
    ['experiment.yaml'],
  );
  const experimentPath = existingFile(positionals[0], 'experiment file');
  const seeds = values.seeds === undefined ? 1 : Number(values.seeds);
  if (!Number.isInteger(seeds) || seeds < 1) throw new UsageError(`--seeds must be a positive integer, got '${values.seeds}'`, 'sweep');
  const setArgs = values.set ?? [];
  // Validated with positions by loadExperiment; re-applied after each variant (runSweep.ts).
  const base = await loadExperiment(experimentPath, setArgs, { onProblem: (p) => process.stderr.write(`${formatProblem(experimentPath, p)}\n`) });
  const sets: Record<string, unknown> = {};
  for (const arg of setArgs) {
    const eq = arg.indexOf('=');
    sets[arg.slice(0, eq).trim()] = parseYaml(arg.slice(eq + 1)) as unknown;
  }
  const request = { experimentPath, base, seeds, sets };
  const plan = planSweep(request);
  process.stderr.write(
    `sweep ${base.name}: ${plan.variants.length} variant${plan.variants.length === 1 ? '' : 's'} (${plan.variants.map((v) => v.name).join(', ')}) x ${seeds} seed${seeds === 1 ? '' : 's'} = ${plan.runs.length} runs, into ${plan.folder}\n`,
  );

  const reporter = new TerminalReporter();
  const uninstall = stopOnInterrupt(reporter, 'the current run');
  const t0 = Date.now();
  try {
    const outcome = await runSweep(request, plan, reporter, (p) => {
      const what =
        p.action === 'skip' ? `already done: ${p.runDir}` : p.action === 'resume' ? `resuming ${p.runDir}` : p.action === 'live' ? `running elsewhere: ${p.runDir}` : 'training';
      reporter.log('info', `[${p.index}/${p.total}] ${p.variant} seed ${p.seed}: ${what}`);
      if (p.action === 'skip' && p.runDir) printSummary(readSummary(p.runDir), process.stderr);
    }, (_runDir, summary) => printSummary(summary, process.stderr));
    process.stderr.write(
      `sweep ${outcome.status} in ${duration((Date.now() - t0) / 1000)}: ${outcome.trained} trained, ${outcome.resumed} resumed, ${outcome.skipped} already done, ${outcome.failed} failed\n`,
    );
    if (outcome.status === 'interrupted') process.stderr.write(`continue with the same command: semid sweep ${positionals[0]} ...\n`);
    process.stdout.write(`${outcome.comparisonPath}\n`);
    return outcome.status === 'completed' ? EXIT.completed : outcome.status === 'interrupted' ? EXIT.interrupted : EXIT.failed;
  } finally {
    uninstall();
  }
}
