/**
 * The command line every end-to-end test of the extension as an Extension Development
 * Host shares: `node --import tsx test/vscode/<test>.ts [--out DIR]` after `npm run
 * build`, the fixture workspace test/vscode/workspace, screenshots in DIR (test-output/
 * by default), and the exit code: 0 passed, 1 failed (the reason printed), 130 interrupted.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { TestProfile } from './testProfile';
import { withWorkbench, WorkbenchInterrupted } from './withWorkbench';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface DevelopmentHostTest {
  /** Its log prefix and the name of its failure artifacts (`<name>-failure.png`, ...). */
  name: string;
  /** Runs on the fresh profile before code-server starts (settings, fixture runs). */
  prepare?: (profile: TestProfile) => void;
  /** The test itself, on the shown workbench; throws to fail. */
  run: (page: Page, workspaceDir: string, out: string) => Promise<void>;
}

/** Runs the test and exits the process with its code. */
export function runDevelopmentHostTest(test: DevelopmentHostTest): void {
  exitCode(test).then((code) => process.exit(code));
}

async function exitCode(test: DevelopmentHostTest): Promise<number> {
  try {
    const { values } = parseArgs({ options: { out: { type: 'string' } } });
    const out = path.resolve(values.out ?? path.join(repoRoot, 'test-output'));
    if (!existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('build first: npm run build');
    await withWorkbench(
      {
        name: test.name,
        workspaceFixture: path.join(repoRoot, 'test/vscode/workspace'),
        prepare: test.prepare,
        extensionDevelopmentPath: repoRoot,
        open: 'shown',
        artifactsDir: out,
      },
      (page, { workspaceDir }) => test.run(page, workspaceDir, out),
    );
    return 0;
  } catch (err) {
    if (err instanceof WorkbenchInterrupted) return 130;
    console.error(`[${test.name}] ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
