/**
 * Runs the same suite in desktop VS Code downloaded by @vscode/test-electron, for
 * machines with network access (this one has none: use runInCodeServer there).
 *
 *   node dist/test/vscode/runElectron.js [--trust]
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'test', 'vscode'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${start}`);
  }
}

async function main(): Promise<number> {
  const repoRoot = findRepoRoot(__dirname);
  // test-electron passes --disable-workspace-trust; without it a trust test would hang on the prompt.
  if (process.argv.includes('--trust')) {
    console.error('--trust is supported by runInCodeServer only');
    return 2;
  }
  // A copy, so tests that write into the workspace never touch the fixture in the repo.
  const workspaceDir = mkdtempSync(path.join(os.tmpdir(), 'semid-vscode-ws-'));
  cpSync(path.join(repoRoot, 'test/vscode/workspace'), workspaceDir, { recursive: true });
  try {
    await runTests({
      version: '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'dist/test/vscode/suite/index.js'),
      extensionTestsEnv: { SEMID_TEST_WORKSPACE_TRUST: 'disabled' },
      launchArgs: [workspaceDir, '--disable-extensions'],
    });
    return 0;
  } catch (err) {
    console.error(`[runElectron] ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    rmSync(workspaceDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
