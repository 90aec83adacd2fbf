/**
 * One code-server workbench session for a test, set up and torn down the same way by
 * every test that drives VS Code: a throw-away profile, code-server on a free port,
 * Debian's Chromium on the workbench. Teardown (browser closed, code-server's process
 * group ended, profile removed) runs on every path: success, failure, the time limit,
 * Ctrl-C/SIGTERM/SIGHUP. A failure leaves a screenshot, code-server's output and VS
 * Code's logs behind first.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertCodeServerInstalled, defaultCodeServerDir, findFreePort, startCodeServer, type RunningCodeServer } from './codeServer';
import { createTestProfile, type TestProfile } from './testProfile';
import { launchChromium, openWorkbench, workbenchUrl } from './workbench';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface WorkbenchOptions {
  /** Names the log lines (`[name] ...`) and the failure artifacts (`<name>-failure.png`, ...). */
  name: string;
  /** Folder copied as the opened workspace. */
  workspaceFixture: string;
  /** Keep workspace trust on (the workspace then opens restricted, without a prompt). */
  trust?: boolean;
  /** Runs on the fresh profile before code-server starts: settings, fixture runs, a VSIX install. */
  prepare?: (profile: TestProfile) => void | Promise<void>;
  /** Loads the extension from here as in an Extension Development Host; without it only installed extensions load. */
  extensionDevelopmentPath?: string;
  /** The test entry the workbench runs in the extension host (goes with extensionDevelopmentPath). */
  extensionTestsPath?: string;
  /**
   * How far the page is taken before the body runs: 'active' waits for the extension's
   * status bar item, 'shown' for the workbench, 'blank' leaves the page unopened (the
   * body goes to `workbench.url` itself, e.g. after `page.exposeFunction`).
   */
  open: 'active' | 'shown' | 'blank';
  /** Extra environment for code-server and so for the extension host it forks. */
  env?: Record<string, string>;
  /** Every line code-server prints (also kept for the failure log; SEMID_E2E_LOG=<file> appends them there). */
  onServerOutput?: (line: string) => void;
  /** The whole session, set-up included; over it, the session fails with "did not finish within". */
  timeoutMs?: number;
  /** The code-server install; by default the setup script's (defaultCodeServerDir). */
  codeServerDir?: string;
  /** Where the default failure artifacts go (stale ones of this name are removed first); made if missing. */
  artifactsDir: string;
  /** Replaces the default failure artifacts; called while the page and code-server are still up. */
  saveFailure?: (page: Page | undefined, serverOutput: readonly string[]) => Promise<void>;
}

export interface Workbench {
  /** The opened workspace: the profile's copy of the fixture. */
  workspaceDir: string;
  /** The workbench's address with the options' payload. */
  url: string;
}

/** A session ended by a signal; the caller exits 130 (nothing is saved: the person asked to stop). */
export class WorkbenchInterrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

/** Runs `body` on the workbench; resolves with its result, or rejects once the failure is saved and all is torn down. */
export async function withWorkbench<T>(options: WorkbenchOptions, body: (page: Page, workbench: Workbench) => Promise<T>): Promise<T> {
  const codeServerDir = options.codeServerDir ?? defaultCodeServerDir();
  assertCodeServerInstalled(codeServerDir);
  const artifact = (suffix: string) => path.join(options.artifactsDir, `${options.name}-${suffix}`);
  mkdirSync(options.artifactsDir, { recursive: true });
  if (!options.saveFailure) for (const stale of ['failure.png', 'code-server.log', 'failure-logs']) rmSync(artifact(stale), { recursive: true, force: true });

  const started = Date.now();
  const serverOutput: string[] = [];
  let profile: TestProfile | undefined;
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  // Safe to call again: every call's work is awaited by every later call, so the
  // finally block also stops what a set-up step started after a signal.
  const stopping: Promise<void>[] = [];
  const cleanup = () => {
    const [b, srv, prof] = [browser, server, profile];
    [browser, server, profile] = [undefined, undefined, undefined];
    stopping.push(
      (async () => {
        await b?.close().catch(() => undefined);
        await srv?.stop();
        prof?.dispose();
      })(),
    );
    return Promise.all(stopping).then(() => undefined);
  };

  // A signal or the time limit ends the session; a signal also stops everything at once
  // (a detached code-server would outlive this process), the time limit first saves the failure.
  let aborted: Error | undefined;
  let abort: (reason: Error) => void = () => undefined;
  const abortion = new Promise<never>((_, reject) => {
    abort = (reason) => {
      aborted ??= reason;
      reject(aborted);
    };
  });
  abortion.catch(() => undefined); // raced below; this only keeps Node from calling it unhandled
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`[${options.name}] ${signal}: stopping`);
    abort(new WorkbenchInterrupted(signal));
    void cleanup();
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);
  const limit = options.timeoutMs;
  const timer = limit === undefined ? undefined : setTimeout(() => abort(new Error(`did not finish within ${limit / 1000} s`)), limit);
  // Set-up steps are not raced (what they start must be known to be stopped), so each is checked after.
  const check = () => {
    if (aborted) throw aborted;
  };

  try {
    profile = createTestProfile({ workspaceFixture: options.workspaceFixture, trust: options.trust ?? false });
    await options.prepare?.(profile);
    check();
    server = await startCodeServer({
      codeServerDir,
      port: await findFreePort(),
      userDataDir: profile.userDataDir,
      extensionsDir: profile.extensionsDir,
      workspaceDir: profile.workspaceDir,
      env: options.env ?? {},
      onOutput: (line) => {
        serverOutput.push(line);
        if (process.env.SEMID_E2E_LOG) appendFileSync(process.env.SEMID_E2E_LOG, line + '\n');
        options.onServerOutput?.(line);
      },
      startTimeoutMs: 60_000,
    });
    check();
    console.log(`[${options.name}] code-server listening on ${server.origin} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    browser = await launchChromium();
    check();
    const p = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page = p;
    check();
    const workbench: Workbench = {
      workspaceDir: profile.workspaceDir,
      url: workbenchUrl(server.origin, profile.workspaceDir, { extensionDevelopmentPath: options.extensionDevelopmentPath, extensionTestsPath: options.extensionTestsPath }),
    };
    const session = async () => {
      if (options.open !== 'blank') await openWorkbench(p, workbench.url, options.open === 'active');
      return body(p, workbench);
    };
    return await Promise.race([session(), abortion]);
  } catch (err) {
    if (!(aborted instanceof WorkbenchInterrupted)) {
      try {
        if (options.saveFailure) await options.saveFailure(page, serverOutput);
        else await saveDefaultFailure(page, serverOutput, profile, artifact);
      } catch (saveErr) {
        // The failure itself is what the caller reports.
        console.error(`[${options.name}] could not save the failure artifacts: ${String(saveErr)}`);
      }
    }
    throw aborted ?? err;
  } finally {
    clearTimeout(timer);
    await cleanup();
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  }
}

/** `<name>-failure.png`, `<name>-code-server.log` and VS Code's logs (the extension host's among them) as `<name>-failure-logs`. */
async function saveDefaultFailure(page: Page | undefined, serverOutput: readonly string[], profile: TestProfile | undefined, artifact: (suffix: string) => string): Promise<void> {
  await page?.screenshot({ path: artifact('failure.png'), timeout: 10_000 }).catch(() => undefined);
  writeFileSync(artifact('code-server.log'), serverOutput.join('\n'));
  const logs = profile && path.join(profile.userDataDir, 'logs');
  if (logs && existsSync(logs)) cpSync(logs, artifact('failure-logs'), { recursive: true });
}
