/**
 * The webview bundles in Debian's Chromium (playwright-core), outside VS Code: a page
 * with the bundle, our stylesheets and a theme's `--vscode-*` variables, and a stub
 * `acquireVsCodeApi` whose postMessage reaches a host handler in this process (the
 * real DashboardModel / ExplorerModel over fixture run directories). Fixture runs
 * are copied to a temp folder with their recorded repository path replaced.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { rewriteRecordedPaths } from './fixturePaths';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { EngineEvent, RunSummary } from '../../src/protocol';
import type { RunSource } from '../../src/extension/dashboard/dashboardModel';
import { MetricsTail } from '../../src/extension/runs/metricsTail';
import { readRunSummary } from '../../src/extension/runs/runSummaryFile';
import { RunQueries } from '../../src/engine/query/runQueries';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.SEMID_CHROMIUM ?? '/usr/bin/chromium';

/** Why the Chromium tests cannot run here, or null. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (scripts/setup-code-server.sh installs it)`;
}

/** Builds dist/webview when absent (npm test builds first; a lone test run may not have). */
export function ensureBundles(): void {
  if (existsSync(path.join(repoRoot, 'dist', 'webview', 'dashboard.js')) && existsSync(path.join(repoRoot, 'dist', 'webview', 'explorer.js'))) return;
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

/** test/fixtures/sweep copied to a temp folder, `@REPO@` replaced by this checkout's root. */
export function copyFixtures(): { root: string; dispose(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'semid-webview-'));
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'sweep'), root, { recursive: true });
  // Recorded paths: the repository (data) and the fixture folder itself (run dirs).
  rewriteRecordedPaths(root, repoRoot, { '@REPO@/test/fixtures/sweep': root });
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** The run directories of an experiment folder in the copy, oldest first. */
export function runDirs(root: string, experiment: string): string[] {
  const folder = path.join(root, experiment);
  return readdirSync(folder)
    .filter((d) => existsSync(path.join(folder, d, 'summary.json')))
    .sort()
    .map((d) => path.join(folder, d));
}

/** Runs read straight from disk, as the RunStore would. */
export function fileRunSource(live: (dir: string) => boolean = () => false): RunSource {
  return {
    summary: (dir: string): Promise<RunSummary | null> => readRunSummary(dir),
    events: async (dir: string): Promise<EngineEvent[]> => {
      const tail = new MetricsTail(path.join(dir, 'metrics.jsonl'));
      await tail.read();
      return [...tail.events];
    },
    isLive: live,
    // The engine's own answers, in-process (the extension asks its run-query process the same).
    queries: new RunQueries(),
  };
}

export type Theme = 'light' | 'dark' | 'high-contrast';

/**
 * The few dozen `--vscode-*` variables the pages use, as VS Code's default themes set
 * them. High contrast (dark) leaves the fills it has no value for unset (buttons, list
 * selection and hover) and draws borders in contrastBorder / contrastActiveBorder.
 */
const THEMES: Record<Theme, Record<string, string>> = {
  dark: {
    'font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif',
    'font-size': '13px',
    'editor-font-family': 'monospace',
    foreground: '#cccccc',
    descriptionForeground: '#9d9d9d',
    'editor-background': '#1f1f1f',
    'sideBar-background': '#181818',
    'panel-border': '#2b2b2b',
    'editorWidget-border': '#313131',
    'editorWidget-background': '#202020',
    errorForeground: '#f85149',
    'editorWarning-foreground': '#cca700',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#026ec1',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
    'progressBar-background': '#0078d4',
    'list-hoverBackground': '#2a2d2e',
    'list-activeSelectionBackground': '#04395e',
    'list-activeSelectionForeground': '#ffffff',
    'list-inactiveSelectionBackground': '#37373d',
    focusBorder: '#0078d4',
    'editorHoverWidget-background': '#202020',
    'editorHoverWidget-border': '#454545',
    'widget-shadow': 'rgba(0,0,0,0.36)',
    'textLink-foreground': '#4daafc',
    'textCodeBlock-background': '#2b2b2b',
    'testing-iconPassed': '#73c991',
    'toolbar-hoverBackground': 'rgba(90,93,94,0.31)',
    'input-background': '#313131',
    'input-foreground': '#cccccc',
    'input-border': '#3c3c3c',
    'settings-headerBorder': '#2b2b2b',
    'panel-background': '#181818',
    'editor-selectionBackground': '#264f78',
    'settings-textInputBackground': '#313131',
    'settings-textInputForeground': '#cccccc',
    'settings-textInputBorder': '#3c3c3c',
    'tab-activeForeground': '#ffffff',
    'tab-inactiveForeground': '#9d9d9d',
    'panelTitle-activeForeground': '#cccccc',
    'panelTitle-inactiveForeground': '#9d9d9d',
    'panelTitle-activeBorder': '#0078d4',
  },
  'high-contrast': {
    'font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif',
    'font-size': '13px',
    'editor-font-family': 'monospace',
    foreground: '#ffffff',
    descriptionForeground: 'rgba(255,255,255,0.7)',
    'editor-background': '#000000',
    'sideBar-background': '#000000',
    contrastBorder: '#6fc3df',
    contrastActiveBorder: '#f38518',
    focusBorder: '#f38518',
    'panel-border': '#6fc3df',
    'editorWidget-border': '#6fc3df',
    'editorWidget-background': '#0c141f',
    errorForeground: '#f48771',
    'editorWarning-foreground': '#ffd370',
    'button-foreground': '#ffffff',
    'button-border': '#6fc3df',
    'badge-background': '#000000',
    'badge-foreground': '#ffffff',
    'progressBar-background': '#6fc3df',
    'editorHoverWidget-background': '#0c141f',
    'editorHoverWidget-border': '#6fc3df',
    'textLink-foreground': '#21a6ff',
    'input-background': '#000000',
    'input-foreground': '#ffffff',
    'input-border': '#6fc3df',
    'editor-selectionBackground': '#ffffff',
    'tab-activeForeground': '#ffffff',
    'tab-inactiveForeground': '#ffffff',
    'panelTitle-activeForeground': '#ffffff',
    'panelTitle-inactiveForeground': '#ffffff',
    'panelTitle-activeBorder': '#f38518',
  },
  light: {
    'font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif',
    'font-size': '13px',
    'editor-font-family': 'monospace',
    foreground: '#3b3b3b',
    descriptionForeground: '#717171',
    'editor-background': '#ffffff',
    'sideBar-background': '#f8f8f8',
    'panel-border': '#e5e5e5',
    'editorWidget-border': '#e5e5e5',
    'editorWidget-background': '#f8f8f8',
    errorForeground: '#f85149',
    'editorWarning-foreground': '#bf8803',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#0258a8',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
    'progressBar-background': '#005fb8',
    'list-hoverBackground': '#f2f2f2',
    'list-activeSelectionBackground': '#e8e8e8',
    'list-activeSelectionForeground': '#000000',
    'list-inactiveSelectionBackground': '#e4e6f1',
    focusBorder: '#005fb8',
    'editorHoverWidget-background': '#f8f8f8',
    'editorHoverWidget-border': '#c8c8c8',
    'widget-shadow': 'rgba(0,0,0,0.16)',
    'textLink-foreground': '#005fb8',
    'textCodeBlock-background': '#f8f8f8',
    'testing-iconPassed': '#388a34',
    'toolbar-hoverBackground': 'rgba(184,184,184,0.31)',
    'input-background': '#ffffff',
    'input-foreground': '#3b3b3b',
    'input-border': '#cecece',
    'settings-headerBorder': '#e5e5e5',
    'panel-background': '#f8f8f8',
    'editor-selectionBackground': '#add6ff',
    'settings-textInputBackground': '#ffffff',
    'settings-textInputForeground': '#3b3b3b',
    'settings-textInputBorder': '#cecece',
    'tab-activeForeground': '#3b3b3b',
    'tab-inactiveForeground': '#868686',
    'panelTitle-activeForeground': '#3b3b3b',
    'panelTitle-inactiveForeground': '#3b3b3b',
    'panelTitle-activeBorder': '#005fb8',
  },
};

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}

export interface WebviewPage {
  page: Page;
  /** Uncaught errors in the page so far. */
  errors: string[];
  /** Closes the page; throws if the page had uncaught errors. */
  close(): Promise<void>;
  /** Every message the webview posted, oldest first. */
  posted: unknown[];
  /** Host -> webview. */
  send(message: unknown): Promise<void>;
  /** Resolves with the first posted message (from now on, or already posted) that `match` accepts. */
  waitForPosted<T>(match: (m: unknown) => m is T, timeoutMs?: number): Promise<T>;
}

/**
 * A page running `dist/webview/<bundle>.js` in `theme`; `onMessage` is the host:
 * it gets each posted message and may answer through `send`. `testSession` marks the
 * page as the extension does under ExtensionMode.Test (the webview then reports `rendered`).
 */
export async function openWebview(
  browser: Browser,
  bundle: 'dashboard' | 'explorer',
  theme: Theme,
  onMessage: (m: unknown, send: (reply: unknown) => Promise<void>) => Promise<void> | void,
  viewport = { width: 1280, height: 900 },
  testSession = true,
  /** A script run before the bundle (benchmarks instrument the page with it). */
  init = '',
  /** The folder of the bundles (a benchmark compares one built from another commit). */
  dist = path.join(repoRoot, 'dist', 'webview'),
): Promise<WebviewPage> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const posted: unknown[] = [];
  const waiters: { match: (m: unknown) => boolean; resolve: (m: unknown) => void }[] = [];
  // Replies still in flight when a test closes the page are dropped, not reported as
  // webview errors: the page is gone on purpose.
  let closing = false;
  const send = async (message: unknown): Promise<void> => {
    if (closing) return;
    try {
      await page.evaluate((m) => window.postMessage(m, '*'), message as object);
    } catch (e) {
      if (!closing) throw e;
    }
  };
  await page.exposeFunction('__toHost', (m: unknown) => {
    posted.push(m);
    for (const w of waiters.splice(0)) {
      if (w.match(m)) w.resolve(m);
      else waiters.push(w);
    }
    void Promise.resolve(onMessage(m, send)).catch((e: unknown) => errors.push(String(e)));
  });
  const vars = Object.entries(THEMES[theme])
    .map(([k, v]) => `--vscode-${k}: ${v};`)
    .join(' ');
  const html = `<!DOCTYPE html><html><head><meta charset="UTF-8">
<link rel="stylesheet" href="file://${dist}/${bundle}.css">
<link rel="stylesheet" href="file://${repoRoot}/media/${bundle}.css">
<style>html { ${vars} }</style>
<script>
  let saved;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__toHost(JSON.parse(JSON.stringify(m))), getState: () => saved, setState: (s) => { saved = s; } });
${init}
</script></head>
<body class="vscode-${theme}"${testSession ? ' data-test-session="true"' : ''}><main id="app"></main><script src="file://${dist}/${bundle}.js"></script></body></html>`;
  const file = path.join(dist, `.test-${bundle}-${theme}-${process.pid}.html`);
  writeFileSync(file, html);
  await page.goto(`file://${file}`);
  rmSync(file, { force: true });
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  return {
    page,
    errors,
    close: async () => {
      closing = true;
      await page.close();
      if (errors.length) throw new Error(`uncaught errors in the webview: ${errors.join('; ')}`);
    },
    posted,
    send,
    waitForPosted<T>(match: (m: unknown) => m is T, timeoutMs = 15_000): Promise<T> {
      const earlier = posted.find(match);
      if (earlier !== undefined) return Promise.resolve(earlier);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`webview did not post the expected message within ${timeoutMs} ms (page errors: ${errors.join('; ') || 'none'})`)), timeoutMs);
        waiters.push({
          match,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m as T);
          },
        });
      });
    },
  };
}
