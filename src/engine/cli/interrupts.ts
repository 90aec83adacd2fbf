import type { TerminalReporter } from './terminalReporter';
import { EXIT } from './usage';

/**
 * Ctrl-C (or SIGTERM) while training: the first asks the engine to stop after the
 * current step and checkpoint; the second quits at once. Returns the un-install.
 */
export function stopOnInterrupt(reporter: TerminalReporter, what: string): () => void {
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts === 1) {
      reporter.log('warn', `interrupt: stopping ${what} after this step and saving a checkpoint (Ctrl-C again to quit at once)`);
      reporter.requestStop();
    } else {
      process.exit(EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
