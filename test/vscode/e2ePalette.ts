/**
 * End-to-end, as a user: code-server with the extension loaded as in an Extension
 * Development Host (no test runner), driven through Chromium. It opens the fixture
 * experiment with Quick Open, runs "Semantic IDs: Train RQVAE" from the command
 * palette, waits for the run directory to complete, opens the dashboard the same way,
 * reads the panel's heading through the webview's frames, and saves screenshots.
 *
 *   node --import tsx test/vscode/e2ePalette.ts [--out DIR]     (after npm run build)
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { assertCodeServerInstalled, defaultCodeServerDir, findFreePort, startCodeServer, type RunningCodeServer } from './harness/codeServer';
import { createTestProfile, type TestProfile } from './harness/testProfile';
import { completedRun, launchChromium, openWorkbench, quickOpen, runFromPalette, until, workbenchUrl } from './harness/workbench';

const repoRoot = path.resolve(__dirname, '..', '..');

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
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, workbenchUrl(server.origin, profile.workspaceDir, repoRoot));
    await quickOpen(page, 'tiny.rqvae.yaml');

    await runFromPalette(page, 'Semantic IDs: Train RQVAE');
    const runDir = await until('a completed run directory', () => completedRun(path.join(profile!.workspaceDir, 'runs', 'tiny')), 120_000);
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
