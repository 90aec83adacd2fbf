import { UsageError, USAGE, EXIT } from './usage';
import { trainCommand } from './commands/train';
import { idsCommand } from './commands/ids';
import { inspectCommand } from './commands/inspect';
import { sweepCommand } from './commands/sweep';
import { ExperimentError } from '../config';
import { InspectError } from '../diagnostics/inspect';
import { PrefixSyntaxError } from '../ids/sidText';
import { RunRefusedError } from '../run/runRefused';
import { DataError } from '../data/types';
import { RunStopped } from '../util/cancellation';

/** Entry of the `semid` CLI (design §3). */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'train':
      return trainCommand(rest);
    case 'ids':
      return idsCommand(rest);
    case 'inspect':
      return inspectCommand(rest);
    case 'sweep':
      return sweepCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stderr.write(USAGE + '\n');
      return command === undefined ? EXIT.invalid : EXIT.completed;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof RunStopped) {
      // A stop while the data was loading, before any run directory existed.
      process.stderr.write('semid: stopped while loading the data, before the run started; nothing was written\n');
      process.exitCode = EXIT.interrupted;
    } else if (e instanceof UsageError) {
      process.stderr.write(`semid: ${e.message}\n\n${USAGE}\n`);
      process.exitCode = EXIT.invalid;
    } else if (e instanceof ExperimentError || e instanceof InspectError || e instanceof PrefixSyntaxError || e instanceof RunRefusedError || e instanceof DataError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = EXIT.invalid;
    } else {
      process.stderr.write(`semid: ${e instanceof Error ? e.message : String(e)}\n`);
      if (process.env.SEMID_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.exitCode = EXIT.failed;
    }
  },
);
