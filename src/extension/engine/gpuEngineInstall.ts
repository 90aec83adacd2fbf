/**
 * "Install GPU Engine": npm installs @tensorflow/tfjs-node-gpu into the extension's
 * global storage; the engine finds it there through SEMID_MODULE_PATHS on its next
 * run (src/engine/tf/backend.ts resolves packages from `<folder>/node_modules`). The
 * install goes to a staging folder that replaces the live one only on success, so a
 * failure (no network, no CUDA, libtensorflow download refused) changes nothing.
 */
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { CommandHandler, Ctx } from '../ctx';
import { requireTrust } from '../trust';

export const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu@4.22.0';

/** Arguments for tests and scripted use. */
export interface InstallOptions {
  /** Extra npm arguments, e.g. `--offline` to fail fast where the registry is out of reach. */
  npmArgs?: string[];
}

export type InstallResult = { kind: 'installed'; dir: string } | { kind: 'failed'; error: string } | { kind: 'refused' } | { kind: 'cancelled' };

export function installGpuEngineCommand(): (ctx: Ctx) => CommandHandler {
  let running: Promise<InstallResult> | undefined;
  return (ctx) =>
    async (arg: unknown): Promise<InstallResult> => {
      if (!requireTrust(ctx.notifications, 'Installing the GPU engine')) return { kind: 'refused' };
      if (running) {
        void ctx.notifications.info('the GPU engine is already being installed.');
        return running;
      }
      const options = typeof arg === 'object' && arg !== null ? (arg as InstallOptions) : {};
      running = install(ctx, options).finally(() => (running = undefined));
      return running;
    };
}

async function install(ctx: Ctx, options: InstallOptions): Promise<InstallResult> {
  const target = ctx.gpuEngineDir;
  const staging = `${target}.staging`;
  await fsp.rm(staging, { recursive: true, force: true });
  await fsp.mkdir(staging, { recursive: true });
  const args = ['install', GPU_PACKAGE, '--prefix', staging, '--no-audit', '--no-fund', '--no-save', ...(options.npmArgs ?? [])];
  ctx.log.info(`npm ${args.join(' ')}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Installing the GPU engine (tfjs-node-gpu)', cancellable: true },
    (progress, token) => runNpm(ctx, args, staging, token, (line) => progress.report({ message: line.slice(0, 80) })),
  );
  if (result.kind === 'installed') {
    await fsp.rm(target, { recursive: true, force: true });
    await fsp.rename(staging, target);
    void ctx.notifications.info(`GPU engine installed in ${target}; the next training uses it when it loads (see the log for the backend chosen).`);
    return { kind: 'installed', dir: target };
  }
  await fsp.rm(staging, { recursive: true, force: true });
  if (result.kind === 'failed') {
    ctx.notifications.errorWithLog(
      `installing the GPU engine failed: ${result.error}. Nothing was changed: training keeps using the CPU backends. ` +
        'It needs network access (npm and the libtensorflow download) and a CUDA-capable GPU.',
    );
  }
  return result;
}

interface NpmOutcome {
  kind: 'installed' | 'failed' | 'cancelled';
  error: string;
}

function runNpm(
  ctx: Ctx,
  args: string[],
  cwd: string,
  token: vscode.CancellationToken,
  onLine: (line: string) => void,
): Promise<InstallResult> {
  return new Promise<InstallResult>((resolve) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    let tail: string[] = [];
    let settled = false;
    const settle = (outcome: NpmOutcome) => {
      if (settled) return;
      settled = true;
      cancel.dispose();
      if (outcome.kind === 'installed') resolve({ kind: 'installed', dir: cwd });
      else if (outcome.kind === 'cancelled') resolve({ kind: 'cancelled' });
      else resolve({ kind: 'failed', error: outcome.error });
    };
    const child = spawn(npm, args, { cwd, shell: process.platform === 'win32', env: { ...process.env, npm_config_update_notifier: 'false' } });
    const cancel = token.onCancellationRequested(() => {
      child.kill();
      settle({ kind: 'cancelled', error: '' });
    });
    const onData = (level: 'info' | 'error') => (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line.trim() === '') continue;
        if (level === 'error') {
          ctx.log.warn(`npm: ${line}`);
          tail = [...tail, line].slice(-20);
        } else ctx.log.info(`npm: ${line}`);
        onLine(line);
      }
    };
    child.stdout.on('data', onData('info'));
    child.stderr.on('data', onData('error'));
    child.on('error', (err) => settle({ kind: 'failed', error: `npm could not be started (${err.message}); is Node.js with npm on the PATH?` }));
    child.on('close', (code) => {
      if (code === 0) settle({ kind: 'installed', error: '' });
      else settle({ kind: 'failed', error: `npm exited with code ${code}${npmReason(tail)}` });
    });
  });
}

/** The line of npm's error output that says why, e.g. `npm error code ENOTCACHED`. */
function npmReason(tail: string[]): string {
  const code = tail.find((l) => /npm (ERR!|error) code /.test(l))?.replace(/^npm (ERR!|error) code /, '');
  const detail = tail.find((l) => /npm (ERR!|error) (?!code)/.test(l))?.replace(/^npm (ERR!|error) /, '');
  return code || detail ? ` (${[code, detail].filter(Boolean).join(': ')})` : '';
}
