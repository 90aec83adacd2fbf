/**
 * End-to-end, as a user: code-server with the extension loaded as in an Extension
 * Development Host (no test runner), driven through Chromium. It opens the fixture
 * experiment with Quick Open, runs "Semantic IDs: Train RQVAE" from the command
 * palette, waits for the run directory to complete, opens the dashboard the same way,
 * reads the panel's heading through the webview's frames, checks that the curves and
 * the codebook heatmap are drawn, clicks a heatmap cell and lands in the explorer at
 * that prefix, finds an item there by its ID and by a word of its title, opens the
 * Runs view, and saves screenshots in the dark and the light theme.
 *
 *   node --import tsx test/vscode/e2ePalette.ts [--out DIR]     (after npm run build)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { completedRun, extensionActive, quickOpen, runFromPalette, until, visibleWebview } from './harness/workbench';
import { runDevelopmentHostTest } from './harness/developmentHostTest';

/** The user's path: train from the palette, the dashboard's curves and heatmap, the explorer, the Runs view, both themes. */
async function trainAndExplore(page: Page, workspaceDir: string, out: string): Promise<void> {
  await openFromExplorer(page, 'tiny.rqvae.yaml');
  // Opening the Runs view activates the extension even when VS Code's workspaceContains search timed out.
  await page.locator('.activitybar .action-item a[aria-label^="Semantic IDs"]').click();
  await extensionActive(page);

  await runFromPalette(page, 'Semantic IDs: Train RQVAE');
  const runDir = await until('a completed run directory', () => completedRun(path.join(workspaceDir, 'runs', 'tiny')), 120_000);
  console.log(`[e2e] trained: ${runDir}`);
  await page.locator('.notifications-toasts', { hasText: 'training completed' }).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(out, 'e2e-train.png') });

  await runFromPalette(page, 'Semantic IDs: Open Training Dashboard');
  const dash = visibleWebview(page);
  const heading = dash.locator('h1');
  await heading.waitFor({ timeout: 30_000 });
  const title = (await heading.textContent())?.trim();
  const badge = (await dash.locator('.badge').first().textContent())?.trim();
  if (title !== 'tiny' || badge !== 'completed') throw new Error(`dashboard shows "${title}" / "${badge}", expected "tiny" / "completed"`);
  // Curves: a chart per loss term and diagnostic, each a drawn canvas.
  await dash.locator('.chart-card canvas').first().waitFor({ timeout: 30_000 });
  const charts = await dash.locator('.chart-card').count();
  const inked = await dash.locator('[data-chart="loss"] canvas').first().evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  if (charts < 5 || inked < 200) throw new Error(`curves not drawn: ${charts} charts, ${inked} inked pixels on the loss chart`);
  await page.screenshot({ path: path.join(out, 'e2e-dashboard-dark.png') });

  // The heatmap: click the level-0 code holding the most items.
  await dash.locator('vscode-tab-header', { hasText: 'Codebooks' }).click();
  const canvas = dash.locator('canvas[data-heatmap="levels"]');
  await canvas.waitFor({ state: 'visible', timeout: 15_000 });
  const sids = readFileSync(path.join(runDir, 'semantic_ids.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; sid: number[] });
  const K = 4;
  const counts = new Array<number>(K).fill(0);
  for (const r of sids) counts[r.sid[0]]++;
  const code = counts.indexOf(Math.max(...counts));
  const box = (await canvas.boundingBox())!;
  const x = box.x + 64 + ((code + 0.5) / K) * (box.width - 64);
  await page.mouse.move(x, box.y + 15);
  await dash.locator('.tooltip .tip-title').first().waitFor({ timeout: 15_000 });
  await page.screenshot({ path: path.join(out, 'e2e-heatmap-dark.png') });
  await page.mouse.click(x, box.y + 15);

  // The explorer opens at that prefix.
  const explorer = visibleWebview(page);
  const node = explorer.locator(`.row.node.highlight[data-prefix="${code}"]`);
  await node.waitFor({ timeout: 30_000 });
  const under = sids.filter((r) => r.sid[0] === code).length;
  const total = await explorer.locator('#search-total').getAttribute('data-total', { timeout: 15_000 });
  if (Number(total) !== under) throw new Error(`explorer at prefix ${code} lists ${total} items, expected ${under}`);
  // By ID, then by a word of the title.
  const item = sids.find((r) => r.sid[0] === code)!;
  await search(explorer, item.id);
  await explorer.locator(`.vlist .row.item[data-item="${item.id}"]`).first().click({ timeout: 15_000 });
  const shownSid = (await explorer.locator('#item-sid').textContent({ timeout: 15_000 }))?.trim();
  if (shownSid !== item.sid.join('-')) throw new Error(`item view shows ${shownSid}, expected ${item.sid.join('-')}`);
  const titles = new Map(readFileSync(path.join(workspaceDir, 'items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; title: string }).map((r) => [r.id, r.title]));
  const word = titles.get(item.id)!.split(' ').find((w) => w.length > 6)!;
  await search(explorer, word);
  await explorer.locator(`.vlist .row.item[data-item="${item.id}"]`).first().waitFor({ timeout: 15_000 });
  await page.screenshot({ path: path.join(out, 'e2e-explorer-dark.png') });
  console.log(`[e2e] heatmap L0 code ${code} -> explorer ${under} items; found ${item.id} by id and by "${word}"`);

  // The Runs view in the activity bar lists the run.
  await page.locator('.pane', { hasText: 'Runs' }).locator('.monaco-list-row', { hasText: path.basename(runDir) }).first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(out, 'e2e-runs-view-dark.png') });

  // The same views in the light theme.
  await pickColorTheme(page, 'Light Modern');
  await page.locator('.monaco-workbench.vs:not(.vs-dark)').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(out, 'e2e-explorer-light.png') });
  await page.locator('.tab', { hasText: 'Training Dashboard' }).click();
  // The dashboard kept its tab (Codebooks) through hiding: the webview's saved state.
  await visibleWebview(page).locator('canvas[data-heatmap="levels"]').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(out, 'e2e-heatmap-light.png') });
  await visibleWebview(page).locator('vscode-tab-header', { hasText: 'Curves' }).click();
  await visibleWebview(page).locator('.chart-card canvas').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(out, 'e2e-dashboard-light.png') });
  console.log(`[e2e] dashboard heading "${title}", status "${badge}", ${charts} charts; screenshots in ${out}`);
}

/** Opens a top-level file from the Explorer view (Quick Open's file search can time out on a loaded machine). */
async function openFromExplorer(page: Page, fileName: string): Promise<void> {
  try {
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first().click({ timeout: 60_000 });
    await page.locator('.tab', { hasText: fileName }).waitFor({ timeout: 30_000 });
  } catch {
    await quickOpen(page, fileName);
  }
}

async function search(explorer: FrameLocator, query: string): Promise<void> {
  const input = explorer.locator('#search input');
  await input.fill(query);
  await input.press('Enter');
}

/** The colour theme picker, then the theme by name: as a person switches. */
async function pickColorTheme(page: Page, name: string): Promise<void> {
  // Ctrl+K Ctrl+T: the theme picker (the palette's first match can be the marketplace's).
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark' }).first().waitFor({ timeout: 15_000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** Changes the user's colour theme the way Settings does: settings.json, which VS Code watches. */
function setColorTheme(userDataDir: string, theme: string): void {
  const file = path.join(userDataDir, 'User', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  settings['workbench.colorTheme'] = theme;
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

runDevelopmentHostTest({
  name: 'e2e',
  prepare: (profile) => setColorTheme(profile.userDataDir, 'Default Dark Modern'),
  run: trainAndExplore,
});
