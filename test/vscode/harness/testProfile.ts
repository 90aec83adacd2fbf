/**
 * A throw-away VS Code profile for one test run: user-data dir (settings), extensions
 * dir and a copy of the fixture workspace, all under one temp folder, so runs never
 * share state and the fixture in the repo is never written to.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestProfile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  workspaceDir: string;
  dispose(): void;
}

export interface TestProfileOptions {
  /** Folder copied as the opened workspace. */
  workspaceFixture: string;
  /** Keep workspace trust on (the workspace then opens restricted, without a prompt). */
  trust: boolean;
}

export function createTestProfile(options: TestProfileOptions): TestProfile {
  const root = mkdtempSync(path.join(os.tmpdir(), 'semid-vscode-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const workspaceDir = path.join(root, 'workspace');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir);
  cpSync(options.workspaceFixture, workspaceDir, { recursive: true });

  const settings = {
    // Off by default: the trust modal would otherwise block the test run.
    'security.workspace.trust.enabled': options.trust,
    'security.workspace.trust.startupPrompt': 'never',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'git.enabled': false,
  };
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  return {
    root,
    userDataDir,
    extensionsDir,
    workspaceDir,
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
