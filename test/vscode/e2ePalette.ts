/**
 * End-to-end, as a user: code-server with the extension loaded as in an Extension
 * Development Host (no test runner), driven through Chromium. It opens the fixture
 * experiment with Quick Open, runs "Semantic IDs: Train RQVAE" from the command
 * palette, waits for the run directory to complete, opens the dashboard the same way,
 * reads the panel's heading through the webview's frames, and saves screenshots.
 *
 *   node --import tsx test/vscode/e2ePalette.ts [--out DIR]     (after npm run build)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { assertCodeServerInstalled, defaultCodeServerDir, findFreePort, startCodeServer, type RunningCodeServer } from './harness/codeServer';
import { createTestProfile, type TestProfile } from './harness/testProfile';

const repoRoot = path.resolve(__dirname, '..', '..');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function completedRun(workspace: string): string | undefined {
  const folder = path.join(workspace, 'runs', 'tiny');
  if (!existsSync(folder)) return undefined;
  for (const run of readdirSync(folder)) {
    const summary = path.join(folder, run, 'summary.json');
    if (existsSync(summary) && (JSON.parse(readFileSync(summary, 'utf8')) as { status: string }).status === 'completed') return path.join(folder, run);
  }
  return undefined;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** F1, the command's title, Enter: what a person does. */
async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = path.resolve(values.out ?? path.join(repoRoot, 'test-output'));
  mkdirSync(out, { recursive: true });
  const codeServerDir = defaultCodeServerDir();
  assertCodeServerInstalled(codeServerDir);
  if (!existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('build first: npm run build');

  let profile: TestProfile | undefined;
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  try {
    profile = createTestProfile({ workspaceFixture: path.join(repoRoot, 'test/vscode/workspace'), trust: false });
    server = await startCodeServer({
      codeServerDir,
      port: await findFreePort(),
      userDataDir: profile.userDataDir,
      extensionsDir: profile.extensionsDir,
      workspaceDir: profile.workspaceDir,
      env: {},
      onOutput: () => undefined,
      startTimeoutMs: 60_000,
    });
    browser = await chromium.launch({ executablePath: process.env.SEMID_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${server.origin}${repoRoot}`],
      ['skipWelcome', 'true'],
    ];
    await page.goto(`http://${server.origin}/?folder=${encodeURIComponent(profile.workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The extension is active once its status bar item is there.
    await page.locator('.statusbar', { hasText: 'Semantic IDs' }).waitFor({ timeout: 60_000 });

    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('tiny.rqvae.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'tiny.rqvae.yaml' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'tiny.rqvae.yaml' }).waitFor({ timeout: 15_000 });

    await runFromPalette(page, 'Semantic IDs: Train RQVAE');
    const runDir = await until('a completed run directory', () => completedRun(profile!.workspaceDir), 120_000);
    console.log(`[e2e] trained: ${runDir}`);
    await page.locator('.notifications-toasts', { hasText: 'training completed' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(out, 'e2e-train.png') });

    await runFromPalette(page, 'Semantic IDs: Open Training Dashboard');
    const heading = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame').locator('h1');
    await heading.waitFor({ timeout: 30_000 });
    const title = (await heading.textContent())?.trim();
    const badge = (await page.frameLocator('iframe.webview').frameLocator('iframe#active-frame').locator('.badge').textContent())?.trim();
    if (title !== 'tiny' || badge !== 'completed') throw new Error(`dashboard shows "${title}" / "${badge}", expected "tiny" / "completed"`);
    await page.screenshot({ path: path.join(out, 'e2e-dashboard.png') });
    console.log(`[e2e] dashboard heading "${title}", status "${badge}"; screenshots in ${out}`);
    return 0;
  } catch (err) {
    console.error(`[e2e] ${err instanceof Error ? err.message : String(err)}`);
    await page?.screenshot({ path: path.join(out, 'e2e-failure.png') }).catch(() => undefined);
    return 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    profile?.dispose();
  }
}

main().then((code) => process.exit(code));
