import { UsageError, USAGE, COMMAND_USAGE, EXIT, wantsHelp, type CommandName } from './usage';
import { packageVersion } from './version';
import { PathError } from './userPaths';
import { ExperimentError } from '../config';
import { InspectError } from '../diagnostics/inspect';
import { PrefixSyntaxError } from '../../protocol/sidText';
import { RunRefusedError } from '../run/runRefused';
import { DataError } from '../data/types';
import { RunStopped } from '../util/cancellation';
import { ExportInputError } from '../export/storedModel';
import { EvalInputError, EvalInterrupted } from '../eval/errors';
import { ENGINE_THREADS, engineThread } from '../util/workerSource';

// Loaded on demand: `--help`, `--version` and `inspect` start without TensorFlow.js.
const COMMANDS: Record<CommandName, (args: string[]) => Promise<number>> = {
  train: async (args) => (await import('./commands/train')).trainCommand(args),
  ids: async (args) => (await import('./commands/ids')).idsCommand(args),
  inspect: async (args) => (await import('./commands/inspect')).inspectCommand(args),
  sweep: async (args) => (await import('./commands/sweep')).sweepCommand(args),
  export: async (args) => (await import('./commands/export')).exportCommand(args),
  eval: async (args) => (await import('./commands/evaluate')).evalCommand(args),
  compare: async (args) => (await import('./commands/compare')).compareCommand(args),
};

const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

/**
 * Entry of the `semid` CLI (design §3), and of the engine processes the extension forks
 * (`semid engine` for a training, `semid query` for run queries; one bundle for all). Help goes to stdout, errors to stderr.
 * Returns the exit code, or null while serving the extension (the process ends when
 * the extension disconnects).
 */
async function main(argv: string[]): Promise<number | null> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(USAGE + '\n');
    return EXIT.invalid;
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    const topic = rest[0];
    process.stdout.write((topic !== undefined && isCommand(topic) ? COMMAND_USAGE[topic] : USAGE) + '\n');
    return EXIT.completed;
  }
  if (command === '-V' || command === '--version' || command === 'version') {
    process.stdout.write(`semid ${packageVersion()}\n`);
    return EXIT.completed;
  }
  if (command === 'engine') {
    if (!process.send) throw new UsageError('`semid engine` is the extension\'s child process; it needs an IPC channel (child_process.fork)');
    (await import('./serveParent')).serveParent();
    return null;
  }
  if (command === 'query') {
    if (!process.send) throw new UsageError('`semid query` is the extension\'s run-query process; it needs an IPC channel (child_process.fork)');
    (await import('./serveQueries')).serveQueries();
    return null;
  }
  if (!isCommand(command)) throw new UsageError(`unknown command '${command}'`);
  if (wantsHelp(rest)) {
    process.stdout.write(COMMAND_USAGE[command] + '\n');
    return EXIT.completed;
  }
  return COMMANDS[command](rest);
}

// A worker thread of the engine's own (the bundle is its code too) runs its job, not the CLI.
if (engineThread() === ENGINE_THREADS.sasrec) {
  void import('../eval/sasrecThread').then((m) => m.serveSasrecThread());
} else {
  runCli();
}

function runCli(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== null) process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof RunStopped) {
        // A stop while the data was loading, before any run directory existed.
        process.stderr.write('semid: stopped while loading the data, before the run started; nothing was written\n');
        process.exitCode = EXIT.interrupted;
      } else if (e instanceof UsageError) {
        const usage = e.command ? COMMAND_USAGE[e.command] : USAGE;
        process.stderr.write(`semid: ${e.message}\n\n${usage}\n`);
        process.exitCode = EXIT.invalid;
      } else if (e instanceof EvalInterrupted) {
        process.stderr.write(`semid: ${e.message}\n`);
        process.exitCode = EXIT.interrupted;
      } else if (e instanceof PathError || e instanceof ExperimentError || e instanceof ExportInputError || e instanceof InspectError || e instanceof PrefixSyntaxError || e instanceof RunRefusedError || e instanceof EvalInputError || e instanceof DataError) {
        process.stderr.write(`${e instanceof PathError ? 'semid: ' : ''}${e.message}\n`);
        process.exitCode = EXIT.invalid;
      } else {
        process.stderr.write(`semid: ${e instanceof Error ? e.message : String(e)}\n`);
        if (process.env.SEMID_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
        process.exitCode = EXIT.failed;
      }
    },
  );
}
