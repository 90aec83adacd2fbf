/** Shared by the training, dashboard and inspect suites: the extension's API and small waits. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SemanticIdsApi } from '../../../../src/extension/testApi';
import type { RunSummary } from '../../../../src/protocol';

export const EXTENSION_ID = 'semid.semantic-id-studio';

export async function semidApi(): Promise<SemanticIdsApi> {
  const extension = vscode.extensions.getExtension<SemanticIdsApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed in the test host`);
  return extension.activate();
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder open');
  return folder.uri.fsPath;
}

export function fixture(...parts: string[]): string {
  return path.join(workspaceDir(), ...parts);
}

/** Polls until `probe` returns something truthy. */
// A generous limit: a loaded 2-core CI machine can take a minute to start an engine.
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls an async check until it gives a value other than undefined. */
export async function pollUntil<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function readSummary(runDir: string): RunSummary {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
}

/** `semid train` as a user would run it in a terminal (not through the extension). */
export function trainInTerminal(experiment: string, overrides: string[] = []): Promise<string> {
  const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
  const args = [cli, 'train', experiment, ...overrides.flatMap((o) => ['--set', o])];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: path.dirname(experiment), env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`semid train failed: ${err.message}\n${stderr}`));
      else resolve(stdout.trim().split('\n').at(-1) ?? '');
    });
  });
}

/** Whether the harness opened the workspace trusted (training allowed). */
export function trusted(): boolean {
  return vscode.workspace.isTrusted;
}
