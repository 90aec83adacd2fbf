import * as path from 'node:path';
import { loadRunConfig, formatProblem } from '../../config';
import type { BackendRequest } from '../../config/experiment';
import { initBackend } from '../../tf/backend';
import { readSummary } from '../../run/runDirectory';
import { RUN_FILES } from '../../../protocol/runLayout';
import { RunRecorder } from '../../jobs/runRecorder';
import { evaluateRun, EvalInputError, EVAL_FILES } from '../../eval/evaluateRun';
import { formatEvalReport } from '../../eval/formatReport';
import { stopOnInterrupt } from '../interrupts';
import { TerminalReporter } from '../terminalReporter';
import { parseCommand } from '../parse';
import { EXIT, UsageError } from '../usage';

const BACKENDS: BackendRequest[] = ['auto', 'gpu', 'native', 'wasm', 'cpu'];

/** `semid eval <run-dir> [--set eval.key=value]... [--backend B] [--resume]`: last stdout line, the eval.json path. */
export async function evalCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('eval', args, { set: { type: 'string', multiple: true }, backend: { type: 'string' }, resume: { type: 'boolean' } }, ['run-dir']);
  const runDir = path.resolve(positionals[0]);
  const overrides = [...(values.set ?? [])];
  for (const o of overrides) {
    if (!o.startsWith('eval.')) throw new UsageError(`--set ${o}: semid eval changes only eval.* keys (the IDs are the run's; train again to change anything else)`);
  }
  if (values.backend !== undefined) {
    if (!BACKENDS.includes(values.backend as BackendRequest)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${values.backend}'`);
    overrides.push(`engine.backend=${values.backend}`);
  }
  const configFile = path.join(runDir, RUN_FILES.config);
  let summaryStatus: string;
  try {
    summaryStatus = readSummary(runDir).status;
  } catch (e) {
    throw new EvalInputError(`${runDir} is not a run directory: ${(e as Error).message}`);
  }
  if (summaryStatus !== 'completed') throw new EvalInputError(`${runDir}: the run is ${summaryStatus}, not completed; finish it first (semid train ... --resume ${runDir})`);
  const config = await loadRunConfig(runDir, overrides, { checkFiles: true, onProblem: (p) => process.stderr.write(`${formatProblem(configFile, p)}\n`) });
  if (config.data.interactions === null) {
    throw new EvalInputError(`${runDir}: its experiment has no data.interactions, so there are no users' next items to evaluate retrieval on; set data.interactions in the experiment and train again`);
  }
  const runtime = await initBackend(config.engine.backend, config.engine.threads);
  const reporter = new TerminalReporter();
  reporter.log('info', `backend: ${runtime.reason}`);
  const recorder = new RunRecorder(runDir, reporter);
  const uninstall = stopOnInterrupt(reporter, 'evaluation');
  try {
    const report = await evaluateRun(runDir, config, runtime, recorder, values.resume ? 'yes' : 'no');
    process.stderr.write(formatEvalReport(report));
    process.stdout.write(`${path.join(runDir, EVAL_FILES.report)}\n`);
    return EXIT.completed;
  } finally {
    uninstall();
    recorder.close();
  }
}
