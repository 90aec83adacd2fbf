/**
 * End-to-end, as a user: the dashboard and the explorer survive "Developer: Reload
 * Window" through their WebviewPanelSerializers (DashboardPanel.restore and
 * ExplorerPanel.restore), without retainContextWhenHidden. code-server with the
 * extension loaded as in an Extension Development Host, driven through Chromium, on
 * the fixture sweep's real runs (test/fixtures/sweep, without the killed run) copied into the workspace. It
 * opens the experiment file, opens the dashboard from the palette on its newest run,
 * changes the view (smoothing, log axis, the Codebooks tab, level L2), clicks a heatmap
 * cell to open the explorer there and searches an item's ID, reloads the window from
 * the palette, and checks that both panels come back on the same run with that state
 * and drawn content (inked curves and heatmap, the item found again). Screenshots
 * before and after the reload go to the output folder.
 *
 *   node --import tsx test/vscode/e2eReload.ts [--out DIR]     (after npm run build)
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { rewriteRecordedPaths } from '../support/fixturePaths';
import { quickOpen, runFromPalette, visibleWebview } from './harness/workbench';
import { runDevelopmentHostTest } from './harness/developmentHostTest';

const repoRoot = path.resolve(__dirname, '..', '..');

/** What the test changes in the dashboard before the reload. */
const SMOOTHING = '0.85';
const LEVEL = 'L2';

/** Sets the panels' view state, reloads the window from the palette and checks that both come back with it. */
async function reloadAndRestore(page: Page, workspaceDir: string, out: string): Promise<void> {
  // The experiment file in the editor: "Open Training Dashboard" shows its newest run without asking.
  await openFromExplorer(page, 'sweep', 'scientific.rqvae.yaml');
  // The command activates the extension if VS Code's workspaceContains search has not (it times out on a loaded machine).
  const runDir = newestRun(path.join(workspaceDir, 'sweep', 'scientific'));
  const sids = readFileSync(path.join(runDir, 'semantic_ids.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; sid: number[] });

  let dash = await openDashboard(page);
  const heading = (await dash.locator('h1').textContent())?.trim();
  await dash.locator('[data-chart="loss"] canvas').first().waitFor({ timeout: 30_000 });
  // The view state: smoothing, log axis, then the Codebooks tab at level L2.
  await dash.locator('#smoothing').fill(SMOOTHING);
  await dash.locator('vscode-checkbox', { hasText: 'Log y-axis' }).click();
  await dash.locator('vscode-tab-header', { hasText: 'Codebooks' }).click();
  const canvas = dash.locator('canvas[data-heatmap="levels"]');
  await canvas.waitFor({ state: 'visible', timeout: 15_000 });
  await dash.locator('.segmented .segment', { hasText: LEVEL }).click();
  await dash.locator('.segment.selected', { hasText: LEVEL }).waitFor({ timeout: 15_000 });
  await page.screenshot({ path: path.join(out, 'e2e-reload-dashboard-before.png') });

  // The explorer, opened from the heatmap at level 0's busiest code, then a search for one of its items.
  const K = 64;
  const counts = new Array<number>(K).fill(0);
  for (const r of sids) counts[r.sid[0]]++;
  const code = counts.indexOf(Math.max(...counts));
  const box = (await canvas.boundingBox())!;
  await page.mouse.click(box.x + 64 + ((code + 0.5) / K) * (box.width - 64), box.y + 15);
  let explorer = visibleWebview(page);
  await explorer.locator(`.row.node.highlight[data-prefix="${code}"]`).waitFor({ timeout: 30_000 });
  const item = sids.find((r) => r.sid[0] === code)!;
  await search(explorer, item.id);
  await explorer.locator(`.vlist .row.item[data-item="${item.id}"]`).first().waitFor({ timeout: 15_000 });
  await page.screenshot({ path: path.join(out, 'e2e-reload-explorer-before.png') });

  // Developer: Reload Window, from the palette; the page navigates and the workbench comes back.
  const reloaded = page.waitForEvent('load', { timeout: 180_000 });
  await runFromPalette(page, 'Developer: Reload Window');
  await reloaded;
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  console.log('[e2e-reload] window reloaded');

  // The explorer was in front: it is restored with its run and query, and the item is found again.
  await page.locator('.tab', { hasText: 'Semantic-ID Explorer' }).waitFor({ timeout: 120_000 });
  await page.locator('.tab', { hasText: 'Semantic-ID Explorer' }).click();
  explorer = visibleWebview(page);
  await explorer.locator(`.vlist .row.item[data-item="${item.id}"]`).first().waitFor({ timeout: 120_000 });
  const query = await explorer.locator('#search').evaluate((el) => (el as unknown as { value: string }).value);
  if (query !== item.id) throw new Error(`the restored explorer's search box holds "${query}", expected "${item.id}"`);
  const total = await explorer.locator('#search-total').getAttribute('data-total', { timeout: 15_000 });
  if (Number(total) < 1) throw new Error(`the restored explorer's search found ${total} items`);
  await page.screenshot({ path: path.join(out, 'e2e-reload-explorer-after.png') });

  // The dashboard: the same run, on the Codebooks tab at L2, the heatmap drawn; then the curves with the chosen smoothing and log axis.
  await page.locator('.tab', { hasText: 'Training Dashboard' }).click();
  dash = visibleWebview(page);
  await dash.locator('h1').waitFor({ timeout: 60_000 });
  const headingAfter = (await dash.locator('h1').textContent())?.trim();
  if (headingAfter !== heading) throw new Error(`the restored dashboard shows "${headingAfter}", expected "${heading}"`);
  const tab = await dash.locator('vscode-tabs').getAttribute('selected-index');
  if (tab !== '1') throw new Error(`the restored dashboard opened tab ${tab}, expected 1 (Codebooks)`);
  await dash.locator('canvas[data-heatmap="levels"]').waitFor({ state: 'visible', timeout: 30_000 });
  const level = (await dash.locator('.segment.selected').textContent())?.trim();
  if (level !== LEVEL) throw new Error(`the restored heatmap selects ${level}, expected ${LEVEL}`);
  const heat = await inked(dash, 'canvas[data-heatmap="levels"]');
  if (heat < 1000) throw new Error(`the restored heatmap is not drawn: ${heat} inked pixels`);
  await page.screenshot({ path: path.join(out, 'e2e-reload-dashboard-after.png') });
  await dash.locator('vscode-tab-header', { hasText: 'Curves' }).click();
  await dash.locator('[data-chart="loss"] canvas').first().waitFor({ state: 'visible', timeout: 30_000 });
  const smoothing = await dash.locator('#smoothing').inputValue();
  if (smoothing !== SMOOTHING) throw new Error(`the restored smoothing is ${smoothing}, expected ${SMOOTHING}`);
  const logY = await dash.locator('vscode-checkbox', { hasText: 'Log y-axis' }).evaluate((el) => (el as unknown as { checked: boolean }).checked);
  if (!logY) throw new Error('the restored dashboard lost the log y-axis');
  const curves = await inked(dash, '[data-chart="loss"] canvas');
  if (curves < 200) throw new Error(`the restored loss chart is not drawn: ${curves} inked pixels`);
  await page.screenshot({ path: path.join(out, 'e2e-reload-curves-after.png') });
  console.log(`[e2e-reload] dashboard "${heading}" restored on Codebooks ${LEVEL} (${heat} heatmap pixels), smoothing ${smoothing}, log axis, ${curves} loss-chart pixels; explorer restored with "${item.id}" (${total} found); screenshots in ${out}`);
}

/**
 * test/fixtures/sweep copied to `target` with the paths the engine recorded put back:
 * the sweep's own folder (recorded as test/fixtures/sweep, or test/fixtures/runs where
 * it was generated) becomes `target`, the repository's root this checkout's.
 */
function copySweep(target: string): void {
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'sweep'), target, { recursive: true });
  // The killed run was trained from the same file and is newer: the dashboard would open on it, and it has no IDs to explore.
  rmSync(path.join(target, 'killed'), { recursive: true, force: true });
  // The runs' experiment path was recorded under test/fixtures/runs: point it at the copy too.
  rewriteRecordedPaths(target, repoRoot, { '@REPO@/test/fixtures/sweep': target, '@REPO@/test/fixtures/runs': target });
}

/** The newest run (by its summary's start time) of an experiment's runs folder. */
function newestRun(runs: string): string {
  const newest = readdirSync(runs)
    .filter((d) => existsSync(path.join(runs, d, 'summary.json')))
    .map((d) => ({ dir: path.join(runs, d), started: (JSON.parse(readFileSync(path.join(runs, d, 'summary.json'), 'utf8')) as { started_at: string }).started_at }))
    .sort((a, b) => b.started.localeCompare(a.started))[0];
  return newest.dir;
}

/**
 * "Open Training Dashboard" from the palette until the dashboard shows its heading. On a
 * loaded machine the extension host can still be starting when the palette runs the
 * command ("command 'semid.openDashboard' not found"): the error is closed and the
 * command run again, as a person would, for up to 10 minutes.
 */
async function openDashboard(page: Page): Promise<FrameLocator> {
  const dash = visibleWebview(page);
  const notFound = page.locator('.monaco-dialog-box', { hasText: 'not found' });
  const deadline = Date.now() + 600_000;
  for (;;) {
    await runFromPalette(page, 'Semantic IDs: Open Training Dashboard');
    const shown = await Promise.race([
      dash.locator('h1').waitFor({ timeout: 180_000 }).then(() => true),
      notFound.waitFor({ timeout: 180_000 }).then(() => false),
    ]);
    if (shown) return dash;
    if (Date.now() > deadline) throw new Error('the extension did not register its commands within 10 minutes');
    console.log('[e2e-reload] the command is not registered yet (extension host starting); retrying');
    await notFound.locator('.dialog-buttons a, .dialog-buttons button').first().click();
    await page.waitForTimeout(10_000);
  }
}

/** Opens a file of a top-level folder from the Explorer view (Quick Open's file search can time out on a loaded machine). */
async function openFromExplorer(page: Page, folder: string, fileName: string): Promise<void> {
  const rows = page.locator('.explorer-folders-view .monaco-list-row');
  const file = rows.filter({ hasText: fileName }).first();
  try {
    if (!(await file.isVisible())) await rows.filter({ hasText: folder }).first().click({ timeout: 60_000 });
    await file.dblclick({ timeout: 60_000 });
    await page.locator('.tab', { hasText: fileName }).waitFor({ timeout: 120_000 });
  } catch {
    await quickOpen(page, fileName);
  }
}

/** Non-transparent pixels of a canvas in the webview. */
function inked(frame: FrameLocator, selector: string): Promise<number> {
  return frame.locator(selector).first().evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
}

async function search(explorer: FrameLocator, query: string): Promise<void> {
  const input = explorer.locator('#search input');
  await input.fill(query);
  await input.press('Enter');
}

runDevelopmentHostTest({
  name: 'e2e-reload',
  prepare: (profile) => copySweep(path.join(profile.workspaceDir, 'sweep')),
  run: reloadAndRestore,
});
