import type { TerminalReporter } from './terminalReporter';
import { EXIT } from './usage';

/** Signals that end a run gracefully: Ctrl-C, `kill`, a closed terminal. */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Ctrl-C, SIGTERM or SIGHUP (the terminal closed) while training: the first asks the
 * engine to stop after the current step and checkpoint; a second quits at once (the
 * job's exit handler still marks the run interrupted). A closed stdout or stderr pipe
 * (EPIPE: `semid train ... | head`, a closed log viewer) stops gracefully too instead
 * of crashing mid-step. Returns the un-install.
 */
export function stopOnInterrupt(reporter: TerminalReporter, what: string): () => void {
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts === 1) {
      const how = signal === 'SIGINT' ? 'Ctrl-C' : signal;
      reporter.log('warn', `${signal === 'SIGINT' ? 'interrupt' : signal}: stopping ${what} after this step and saving a checkpoint (${how} again to quit at once)`);
      reporter.requestStop();
    } else {
      process.exit(EXIT.interrupted);
    }
  };
  const onPipeError = (): void => {
    // Nobody reads our output any more: write nothing else, stop as on SIGTERM.
    reporter.silence();
    reporter.requestStop();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  process.stdout.on('error', onPipeError);
  process.stderr.on('error', onPipeError);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    // The pipe handlers stay: a write after the job (the run directory line) may still hit the closed pipe.
  };
}
