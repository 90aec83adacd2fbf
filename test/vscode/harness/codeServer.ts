/**
 * Starts and stops the code-server installed by scripts/setup-code-server.sh. The server
 * runs in its own process group so its extension host, pty host and watchers end with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

/** Same folder the setup script fills; SEMID_CODE_SERVER overrides it outright. */
export function defaultCodeServerDir(): string {
  if (process.env.SEMID_CODE_SERVER) return process.env.SEMID_CODE_SERVER;
  const cache = process.env.SEMID_CACHE ?? path.join(os.homedir(), '.cache', 'semid');
  return path.join(cache, `code-server-${CODE_SERVER_VERSION}`);
}

export function assertCodeServerInstalled(dir: string): void {
  if (!existsSync(path.join(dir, '.semid-setup-complete')) || !existsSync(path.join(dir, 'out/node/entry.js'))) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not set up in ${dir}; run scripts/setup-code-server.sh`);
  }
}

/** A port that was free a moment ago; code-server binds it right after. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export interface CodeServerOptions {
  codeServerDir: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  workspaceDir: string;
  /** Extra environment for the server and so for the extension host it forks. */
  env: Record<string, string>;
  /** Every line the server prints. */
  onOutput: (line: string) => void;
  startTimeoutMs: number;
}

export interface RunningCodeServer {
  origin: string;
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const args = [
    path.join(options.codeServerDir, 'out/node/entry.js'),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${options.port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--user-data-dir', options.userDataDir,
    '--extensions-dir', options.extensionsDir,
    options.workspaceDir,
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const stop = () => stopProcessGroup(child);
  try {
    await waitForListening(child, options);
  } catch (err) {
    await stop();
    throw err;
  }
  return { origin: `127.0.0.1:${options.port}`, stop };
}

function waitForListening(child: ChildProcess, options: CodeServerOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`code-server did not print "HTTP server listening" within ${options.startTimeoutMs} ms`)),
      options.startTimeoutMs,
    );
    const onLine = (line: string) => {
      options.onOutput(line);
      if (line.includes('HTTP server listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    forEachLine(child.stdout, onLine);
    forEachLine(child.stderr, onLine);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited before listening (code ${code}, signal ${signal})`));
    });
  });
}

function forEachLine(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
  });
}

/** SIGTERM the group, SIGKILL whatever is left after a grace period. */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(pid, 'SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
  // The server may be gone while its extension host lingers; the group kill covers both.
  signalGroup(pid, 'SIGKILL');
  if (!graceful) await Promise.race([exited, delay(2000)]);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
