/**
 * Driving the code-server workbench as a person would: Chromium through playwright-core,
 * Quick Open, the command palette, and waiting on what training leaves on disk.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's Chromium unless SEMID_CHROMIUM names another. */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.SEMID_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath} (set SEMID_CHROMIUM)`);
  return chromium.launch({
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    // Playwright's own handlers would exit the process before code-server is stopped.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/** What the workbench is told to load besides the folder; absolute paths on the server. */
export interface WorkbenchPayload {
  /** The extension loaded as in an Extension Development Host. */
  extensionDevelopmentPath?: string;
  /** The test entry (`run(): Promise<void>`) run in the extension host; goes with extensionDevelopmentPath. */
  extensionTestsPath?: string;
}

/**
 * The workbench for `folder`. With no `extensionDevelopmentPath` the session is a plain
 * user's: only the extensions installed in the server's extensions dir load. The paths
 * go as vscode-remote URIs, so the server's extension host runs them.
 */
export function workbenchUrl(origin: string, folder: string, load: WorkbenchPayload = {}): string {
  const remote = (p: string) => `vscode-remote://${origin}${p}`;
  const payload: [string, string][] = [];
  if (load.extensionDevelopmentPath !== undefined) payload.push(['extensionDevelopmentPath', remote(load.extensionDevelopmentPath)]);
  if (load.extensionTestsPath !== undefined) payload.push(['extensionTestsPath', remote(load.extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  return `http://${origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Loads the workbench and (unless told not to) waits until the extension is active (its status bar item shows). */
export async function openWorkbench(page: Page, url: string, waitForActivation = true): Promise<void> {
  // A loaded machine (many parallel jobs) can take minutes to serve the workbench.
  await page.goto(url, { timeout: 180_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  if (waitForActivation) await extensionActive(page);
}

/**
 * Waits for the extension's status bar item. On a loaded machine VS Code may give up
 * its `workspaceContains` search (it logs "Timed out while searching"); opening an
 * experiment file activates the extension anyway (onLanguage:yaml).
 */
export async function extensionActive(page: Page): Promise<void> {
  try {
    await page.locator('.statusbar', { hasText: 'Semantic IDs' }).waitFor({ timeout: 180_000 });
  } catch {
    throw new Error('the extension did not activate: no "Semantic IDs" status bar item within 180 s');
  }
}

/** Ctrl+P, the file's name, Enter; resolves once its editor tab is open. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: fileName }).waitFor({ timeout: 15_000 });
}

/**
 * F1, the command's title, Enter: what a person does. On a slow machine the palette can
 * open before it takes typed text (or close on a late focus change), so a try that shows
 * no matching row is repeated from a closed palette, as a person would retype it.
 */
export async function runFromPalette(page: Page, title: string, attempts = 3): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(`>${title}`);
      await row.waitFor({ timeout: 20_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (err) {
      const shown = await page.locator('.quick-input-list .monaco-list-row').allTextContents().catch(() => []);
      const typed = await input.inputValue({ timeout: 1_000 }).catch(() => '?');
      const why = `palette try ${attempt}: typed "${typed}", rows shown: ${shown.slice(0, 5).join(' | ') || 'none'}`;
      if (attempt >= attempts) throw new Error(`"${title}" not found in the command palette. ${why}`, { cause: err });
      console.log(`[workbench] ${why}; retrying`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
}

/** A run directory of `<output dir>/<experiment name>` whose summary.json says completed. */
export function completedRun(experimentRuns: string): string | undefined {
  if (!existsSync(experimentRuns)) return undefined;
  for (const run of readdirSync(experimentRuns)) {
    const summary = path.join(experimentRuns, run, 'summary.json');
    if (!existsSync(summary)) continue;
    try {
      if ((JSON.parse(readFileSync(summary, 'utf8')) as { status?: unknown }).status === 'completed') return path.join(experimentRuns, run);
    } catch {
      // Caught mid-write; the next probe reads it whole.
    }
  }
  return undefined;
}

/** Polls `probe` until it gives a value; throws after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The webview on screen (the panel in front): its content frame, inside VS Code's two iframes. */
export function visibleWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview >> visible=true').frameLocator('iframe#active-frame');
}
