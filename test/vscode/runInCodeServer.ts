/**
 * Runs the extension's mocha suite inside a real VS Code: code-server 4.100.3 (Node
 * extension host) driven by Debian's Chromium through playwright-core. Exits with the
 * suite's code; code-server and the browser are ended on every path.
 *
 *   node dist/test/vscode/runInCodeServer.js [--trust] [--screenshot-out DIR]
 *        [--tests FILE] [--workspace DIR] [--timeout SECONDS] [--verbose]
 *
 * Build first (node test/vscode/build.mjs, or scripts/test-vscode.mjs does both). Install:
 * scripts/setup-code-server.sh; recipe: real-vscode-tests.md in the shared docs.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { defaultCodeServerDir } from './harness/codeServer';
import { withWorkbench, WorkbenchInterrupted } from './harness/withWorkbench';

/** Workbench chatter shown only with --verbose (no network here, so no gallery either). */
const WORKBENCH_NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Creation of workbench contribution/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /getaddrinfo ENOTFOUND/,
];

interface HarnessOptions {
  repoRoot: string;
  testsEntry: string;
  workspaceFixture: string;
  trust: boolean;
  screenshotOut: string;
  timeoutMs: number;
  verbose: boolean;
  codeServerDir: string;
}

/** Log files VS Code hands to codeAutomationExit. */
interface AutomationLog {
  relativePath: string;
  contents: string;
}

/** The folder holding this project's package.json, whether run from test/ or dist/. */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'test', 'vscode'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${start}`);
  }
}

function parseOptions(argv: string[]): HarnessOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      trust: { type: 'boolean', default: false },
      'screenshot-out': { type: 'string' },
      tests: { type: 'string' },
      workspace: { type: 'string' },
      timeout: { type: 'string', default: '600' },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const repoRoot = findRepoRoot(__dirname);
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${values.timeout}`);
  return {
    repoRoot,
    testsEntry: path.resolve(values.tests ?? path.join(repoRoot, 'dist/test/vscode/suite/index.js')),
    workspaceFixture: path.resolve(values.workspace ?? path.join(repoRoot, 'test/vscode/workspace')),
    trust: values.trust ?? false,
    screenshotOut: path.resolve(values['screenshot-out'] ?? path.join(repoRoot, 'test-output')),
    timeoutMs: timeoutSeconds * 1000,
    verbose: values.verbose ?? false,
    codeServerDir: defaultCodeServerDir(),
  };
}

/**
 * The workbench hands over console calls as the array of their arguments, format string
 * first (mocha's reporter uses %s/%d), so render them as console.log would.
 */
function formatAutomationLog(message: unknown): string {
  if (Array.isArray(message)) return format(...(message as unknown[]));
  return typeof message === 'string' ? message : JSON.stringify(message);
}

async function saveFailureArtifacts(
  options: HarnessOptions,
  page: Page | undefined,
  serverOutput: readonly string[],
  logs: AutomationLog[],
): Promise<void> {
  const dir = path.join(options.screenshotOut, `vscode-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  if (page) {
    try {
      await page.screenshot({ path: path.join(dir, 'screenshot.png'), timeout: 10_000 });
    } catch (err) {
      console.error(`[harness] screenshot failed: ${String(err)}`);
    }
  }
  writeFileSync(path.join(dir, 'code-server.log'), serverOutput.join('\n'));
  for (const log of logs) {
    const file = path.join(dir, 'logs', path.normalize(log.relativePath).replace(/^(\.\.[/\\])+/, ''));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, log.contents);
  }
  console.error(`[harness] failure artifacts in ${dir}`);
}

async function runSuite(options: HarnessOptions): Promise<number> {
  if (!existsSync(options.testsEntry)) throw new Error(`test entry ${options.testsEntry} not found; build the suite first`);

  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let automationLogs: AutomationLog[] = [];
  try {
    await withWorkbench(
      {
        name: 'harness',
        workspaceFixture: options.workspaceFixture,
        trust: options.trust,
        extensionDevelopmentPath: options.repoRoot,
        extensionTestsPath: options.testsEntry,
        // The automation hooks must be in place before the workbench loads.
        open: 'blank',
        env: { SEMID_TEST_WORKSPACE_TRUST: options.trust ? 'enabled' : 'disabled' },
        onServerOutput: (line) => {
          if (options.verbose) console.log(`[code-server] ${line}`);
        },
        timeoutMs: options.timeoutMs,
        codeServerDir: options.codeServerDir,
        artifactsDir: options.screenshotOut,
        saveFailure: (page, serverOutput) => saveFailureArtifacts(options, page, serverOutput, automationLogs),
      },
      async (page, { url }) => {
        let settle: { resolve(code: number): void; reject(err: Error): void } | undefined;
        const exitCode = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
        exitCode.catch(() => undefined); // awaited below; this only keeps Node from calling it unhandled
        page.on('crash', () => settle?.reject(new Error('the workbench page crashed')));
        await page.exposeFunction('codeAutomationExit', (code: number, logs?: AutomationLog[]) => {
          automationLogs = Array.isArray(logs) ? logs : [];
          settle?.resolve(code);
        });
        await page.exposeFunction('codeAutomationLog', (type: string, message: unknown) => {
          const text = formatAutomationLog(message);
          if (!options.verbose && WORKBENCH_NOISE.some((re) => re.test(text))) return;
          if (type === 'error' || type === 'warn') console.error(text);
          else console.log(text);
        });
        if (options.verbose) page.on('console', (msg) => console.log(`[browser ${msg.type()}] ${msg.text()}`));
        page.on('pageerror', (err) => console.error(`[browser error] ${err.message}`));

        // A loaded machine can take minutes to serve the workbench: wait as long as the run may take.
        await page.goto(url, { timeout: options.timeoutMs });
        const code = await exitCode;
        console.log(`[harness] suite finished with code ${code} after ${elapsed()}`);
        // A failed suite is a failed session: its screenshot and logs are saved on the way out.
        if (code !== 0) throw new Error(`the suite failed (code ${code})`);
      },
    );
    return 0;
  } catch (err) {
    if (err instanceof WorkbenchInterrupted) return 130;
    console.error(`[harness] ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (require.main === module) {
  let options: HarnessOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  runSuite(options).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
