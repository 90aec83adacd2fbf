/**
 * How the host starts an engine process (a training or the run-query process): a
 * `child_process.fork` of dist/cli.js as plain Node with an IPC channel, and the tail of
 * its stderr kept to say why it died. No vscode import.
 */
import { fork, type ChildProcess } from 'node:child_process';

/** Characters of stderr kept for a failure message. */
const STDERR_TAIL_CHARS = 2000;

export interface EngineFork {
  /** Absolute path of dist/cli.js. */
  enginePath: string;
  /** The CLI command (`engine`, `query`). */
  command: string;
  /** Node executable; undefined: VS Code's own, run as plain Node. */
  nodePath: string | undefined;
  /** Variables added to the host's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Whether stdout is read (a training's log) or dropped. */
  stdout: 'pipe' | 'ignore';
}

export function forkEngine(launch: EngineFork): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...launch.env };
  // Inside VS Code, process.execPath is the Electron binary: it must run as plain Node.
  if (!launch.nodePath) env.ELECTRON_RUN_AS_NODE = '1';
  return fork(launch.enginePath, [launch.command], {
    cwd: launch.cwd,
    env,
    execPath: launch.nodePath || undefined,
    // Not the host's flags (an extension host under a debugger has --inspect ones).
    execArgv: [],
    stdio: ['ignore', launch.stdout, 'pipe', 'ipc'],
  });
}

/** `tail` with `chunk` added, cut to the last STDERR_TAIL_CHARS characters. */
export function stderrTail(tail: string, chunk: string): string {
  return (tail + chunk).slice(-STDERR_TAIL_CHARS);
}
