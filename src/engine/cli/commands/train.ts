import { loadExperiment, formatProblem } from '../../config';
import type { BackendRequest } from '../../config/experiment';
import { runTrainJob, runDirOf } from '../../jobs/trainJob';
import { stopOnInterrupt } from '../interrupts';
import { TerminalReporter } from '../terminalReporter';
import { printSummary } from '../summaryTable';
import { parseCommand } from '../parse';
import { existingFile, outputFolder, runDirectory } from '../userPaths';
import { EXIT, UsageError } from '../usage';

const BACKENDS: BackendRequest[] = ['auto', 'gpu', 'native', 'wasm', 'cpu'];

export async function trainCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'train',
    args,
    {
      set: { type: 'string', multiple: true },
      out: { type: 'string' },
      resume: { type: 'string' },
      backend: { type: 'string' },
    },
    ['experiment.yaml'],
  );
  const experimentPath = existingFile(positionals[0], 'experiment file');
  if (values.backend !== undefined && !BACKENDS.includes(values.backend as BackendRequest)) {
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${values.backend}'`, 'train');
  }
  const overrides = [...(values.set ?? [])];
  if (values.out !== undefined) overrides.push(`output.dir=${JSON.stringify(outputFolder(values.out, '--out'))}`);
  if (values.backend !== undefined) overrides.push(`engine.backend=${values.backend}`);

  const resumeDir = values.resume !== undefined ? runDirectory(values.resume, '--resume', ['config']) : null;
  // A resume is checked against the run's own configuration (run/resumeCheck.ts): the
  // same file, --set and --out continue it; anything else is refused, exit 2.
  const config = await loadExperiment(experimentPath, overrides, { onProblem: (p) => process.stderr.write(`${formatProblem(experimentPath, p)}\n`) });

  const reporter = new TerminalReporter();
  const uninstall = stopOnInterrupt(reporter, 'training');
  try {
    const { runDir, summary } = await runTrainJob({ config, experimentPath, variant: null, resumeDir }, reporter);
    printSummary(summary, process.stderr);
    if (summary.status === 'interrupted') {
      process.stderr.write(`interrupted; continue with: semid train ${resumeCommand(positionals[0], values, runDir)}\n`);
    }
    process.stdout.write(`${runDir}\n`);
    return summary.status === 'completed' ? EXIT.completed : EXIT.interrupted;
  } catch (e) {
    const runDir = runDirOf(e);
    if (runDir) process.stderr.write(`run failed; its directory: ${runDir}\n`);
    throw e;
  } finally {
    uninstall();
  }
}

/** The arguments that continue the run: the same file, --set and --out, plus --resume. */
function resumeCommand(file: string, values: { set?: string[]; out?: string; backend?: string }, runDir: string): string {
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const args = [file];
  for (const set of values.set ?? []) args.push('--set', set);
  if (values.out !== undefined) args.push('--out', values.out);
  if (values.backend !== undefined) args.push('--backend', values.backend);
  args.push('--resume', runDir);
  return args.map(quote).join(' ');
}
