import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type CommandName } from './usage';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with our error type and exactly `positionals` positionals. */
export function parseCommand<O extends Options>(command: CommandName, args: string[], options: O, positionals: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message, command);
  }
  if (parsed.positionals.length !== positionals.length) {
    throw new UsageError(
      `expected ${positionals.map((p) => `<${p}>`).join(' ')}, got ${parsed.positionals.length ? parsed.positionals.join(' ') : 'nothing'}`,
      command,
    );
  }
  return parsed;
}
