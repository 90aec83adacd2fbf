/**
 * The dashboard webview in Chromium against fixture run directories from real runs
 * (test/fixtures/sweep: the Scientific example, 2 variants x 2 seeds, and a run
 * killed mid-write): the host side is the real DashboardModel, the page the real
 * bundle. Curves are drawn (run colours on the canvas), the heatmap has a cell per
 * code and answers hover and click, live appends extend the curves, bad input is
 * said, catalog titles stay text, the view state comes back in a recreated webview,
 * and high contrast frames and outlines what it has no fills for. Screenshots in
 * light, dark and high contrast go to test-output/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DashboardModel } from '../../src/extension/dashboard/dashboardModel';
import type { DashboardToHost, EngineEvent, LossesEvent } from '../../src/protocol';
import { isDashboardToHost, isViewState } from '../../src/protocol';
import { chromiumMissing, copyFixtures, ensureBundles, fileRunSource, launch, openWebview, repoRoot, runDirs, type Theme, type WebviewPage } from '../support/webviewHarness';

const missing = chromiumMissing();
const out = path.join(repoRoot, 'test-output');

type Rendered = Extract<DashboardToHost, { kind: 'rendered' }>;
const rendered =
  (accept: (r: Rendered) => boolean) =>
  (m: unknown): m is Rendered =>
    isDashboardToHost(m) && m.kind === 'rendered' && accept(m);

/** A dashboard page whose host is a DashboardModel over `dirs`. */
async function dashboard(
  browser: Browser,
  dirs: string[],
  theme: Theme,
  { model = new DashboardModel(fileRunSource()), answerCells = true } = {},
): Promise<{ web: WebviewPage; model: DashboardModel; hostGot: DashboardToHost[] }> {
  const state = await model.load(dirs);
  const hostGot: DashboardToHost[] = [];
  const web = await openWebview(browser, 'dashboard', theme, async (m, send) => {
    assert.ok(isDashboardToHost(m), `the webview posted a message the protocol rejects: ${JSON.stringify(m).slice(0, 200)}`);
    hostGot.push(m);
    if (m.kind === 'ready') await send({ kind: 'state', state });
    if (m.kind === 'cellItems' && answerCells) await send({ kind: 'cellItems', items: await model.cellItems(m.requestId, m.level, m.code) });
  });
  return { web, model, hostGot };
}

/** Pixels of the canvas close to `rgb` (the run's colour drawn as a line), once at least `atLeast` are there (or after 5 s). */
async function pixelsNear(web: WebviewPage, selector: string, rgb: [number, number, number], atLeast = 50): Promise<number> {
  let n = 0;
  for (let tries = 0; tries < 25; tries++) {
    n = await countPixels(web, selector, rgb);
    if (n >= atLeast) break;
    await web.page.waitForTimeout(200);
  }
  return n;
}

async function countPixels(web: WebviewPage, selector: string, rgb: [number, number, number]): Promise<number> {
  return web.page.evaluate(
    ({ selector, rgb }) => {
      const canvas = document.querySelector(selector) as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - rgb[0]) < 30 && Math.abs(data[i + 1] - rgb[1]) < 30 && Math.abs(data[i + 2] - rgb[2]) < 30 && data[i + 3] > 200) n++;
      }
      return n;
    },
    { selector, rgb },
  );
}

describe('dashboard webview in Chromium', { skip: missing ?? false }, () => {
  let browser: Browser;
  let fixtures: { root: string; dispose(): void };
  let sweep: string[];
  let killed: string;

  before(async () => {
    ensureBundles();
    mkdirSync(out, { recursive: true });
    fixtures = copyFixtures();
    sweep = runDirs(fixtures.root, 'scientific');
    killed = runDirs(fixtures.root, 'killed')[0];
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    fixtures?.dispose();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`draws every run's curves overlaid, in its colour (${theme})`, async () => {
      const { web } = await dashboard(browser, sweep, theme);
      const r = await web.waitForPosted(rendered((x) => x.curves > 0));
      // Losses (total/recon, codebook, commitment, collab, balance) and diagnostics (usage, perplexity, Gini, dead, collisions).
      assert.equal(r.curves, 10, 'one chart per loss term and diagnostic');
      assert.ok(r.points > 4 * 42, `points drawn: ${r.points}`);
      await web.page.waitForTimeout(200);
      // The first run's colour (palette 0, #4e79a7) is on the loss chart's canvas.
      const blue = await pixelsNear(web, '[data-chart="loss"] canvas', [0x4e, 0x79, 0xa7]);
      assert.ok(blue > 50, `run colour pixels on the loss chart: ${blue}`);
      const orange = await pixelsNear(web, '[data-chart="loss"] canvas', [0xf2, 0x8e, 0x2b]);
      assert.ok(orange > 50, `second run's colour pixels: ${orange}`);
      // Chips name each run.
      assert.equal(await web.page.locator('.run-chips .chip').count(), 4);
      // Hover: the readout lists a value per run.
      const box = (await web.page.locator('[data-chart="loss"] .u-over').boundingBox())!;
      await web.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      const readout = await web.page.locator('[data-chart="loss"] .readout').textContent();
      assert.match(readout ?? '', /step \d+/);
      assert.equal(await web.page.locator('[data-chart="loss"] .readout-table tbody tr').count(), 4, `readout: ${readout}`);
      await web.page.screenshot({ path: path.join(out, `webview-curves-${theme}.png`), fullPage: true });
      await web.close();
    });
  }

  it('smoothing, log axis and zoom keep the curves; PNG export goes through the host', async () => {
    const { web, hostGot } = await dashboard(browser, [sweep[0]], 'dark');
    await web.waitForPosted(rendered((x) => x.curves > 0));
    await web.page.locator('#smoothing').evaluate((el: HTMLInputElement) => {
      el.value = '0.9';
      el.dispatchEvent(new Event('input'));
    });
    await web.page.locator('vscode-checkbox').click();
    await web.page.waitForTimeout(200);
    await web.page.screenshot({ path: path.join(out, 'webview-curves-smoothed-log-dark.png') });
    const faint = await pixelsNear(web, '[data-chart="loss"] canvas', [0x4e, 0x79, 0xa7], 30);
    assert.ok(faint > 30, 'the smoothed line is drawn');
    // Drag-zoom on the x axis of one chart zooms all of them; double-click resets.
    const stepAtMiddle = async (chart: string): Promise<number> => {
      const o = (await web.page.locator(`[data-chart="${chart}"] .u-over`).boundingBox())!;
      await web.page.mouse.move(o.x + o.width * 0.5, o.y + o.height * 0.5);
      const text = (await web.page.locator(`[data-chart="${chart}"] .readout-step`).textContent()) ?? '';
      return Number(/step (\d+)/.exec(text)?.[1]);
    };
    const before = await stepAtMiddle('loss');
    const over = web.page.locator('[data-chart="loss"] .u-over');
    const b = (await over.boundingBox())!;
    await web.page.mouse.move(b.x + b.width * 0.1, b.y + 20);
    await web.page.mouse.down();
    await web.page.mouse.move(b.x + b.width * 0.4, b.y + 20, { steps: 5 });
    await web.page.mouse.up();
    const zoomed = await stepAtMiddle('loss');
    const zoomedOther = await stepAtMiddle('codebook');
    assert.ok(zoomed < before, `zoomed in: the middle is step ${zoomed}, was ${before}`);
    assert.equal(zoomedOther, zoomed, 'the other charts follow the zoom');
    await over.dblclick({ position: { x: b.width * 0.5, y: 20 } });
    assert.equal(await stepAtMiddle('loss'), before, 'double-click resets the zoom');
    await web.page.locator('[data-chart="loss"] .icon-button').click();
    const png = await web.waitForPosted((m): m is Extract<DashboardToHost, { kind: 'exportPng' }> => isDashboardToHost(m) && m.kind === 'exportPng');
    assert.equal(png.name, 'loss');
    assert.ok(png.dataUrl.length > 2000);
    assert.ok(hostGot.some((m) => m.kind === 'ready'));
    await web.close();
  });

  it('appends live points without a new snapshot', async () => {
    const { web, model } = await dashboard(browser, [sweep[0]], 'dark');
    const first = await web.waitForPosted(rendered((x) => x.curves > 0));
    const last = [...(await fileRunSource().events(sweep[0]))].reverse().find((e): e is LossesEvent => e.type === 'losses')!;
    const more: EngineEvent[] = [1, 2, 3].map((k) => ({ ...last, step: last.step + k, time: new Date(Date.parse(last.time) + k).toISOString(), total: last.total * 0.9 }));
    const { append } = model.receive(sweep[0], more);
    assert.ok(append);
    await web.send({ kind: 'append', append });
    const next = await web.waitForPosted(rendered((x) => x.points > first.points));
    assert.ok(next.points >= first.points + 3 * 2, `${first.points} -> ${next.points}`);
    await web.close();
  });

  it('redraws live only the charts on screen; one scrolled into view catches up', async () => {
    const model = new DashboardModel(fileRunSource());
    const state = await model.load([sweep[0]]);
    // A short window: the first row of charts (loss, codebook) shows, the commitment chart below does not.
    const web = await openWebview(browser, 'dashboard', 'dark', async (m, send) => {
      if (isDashboardToHost(m) && m.kind === 'ready') await send({ kind: 'state', state });
    }, { width: 1280, height: 450 });
    await web.waitForPosted(rendered((x) => x.curves > 0));
    const inView = (chart: string): Promise<boolean> =>
      web.page.locator(`[data-chart="${chart}"]`).evaluate((el) => el.getBoundingClientRect().top < innerHeight);
    assert.equal(await inView('loss'), true);
    assert.equal(await inView('commitment'), false, 'the commitment chart starts below the window');
    const checksum = (chart: string): Promise<number> =>
      web.page.locator(`[data-chart="${chart}"] canvas`).first().evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let h = 0;
        for (let i = 0; i < d.length; i += 3) h = (h * 31 + d[i]) | 0;
        return h;
      });
    const changed = async (chart: string, from: number): Promise<void> => {
      for (let tries = 0; tries < 100 && (await checksum(chart)) === from; tries++) await web.page.waitForTimeout(100);
    };
    const before = { loss: await checksum('loss'), codebook: await checksum('codebook'), commitment: await checksum('commitment') };
    // 50 more logged steps at a tenth of the last losses: every loss chart's data changes.
    const last = [...(await fileRunSource().events(sweep[0]))].reverse().find((e): e is LossesEvent => e.type === 'losses')!;
    const tenth = (v: number[]): number[] => v.map((x) => x / 10);
    const more: EngineEvent[] = Array.from({ length: 50 }, (_, k) => ({ ...last, step: last.step + k + 1, total: last.total / 10, recon: last.recon / 10, codebook: tenth(last.codebook), commitment: tenth(last.commitment) }));
    const { append } = model.receive(sweep[0], more);
    assert.ok(append);
    await web.send({ kind: 'append', append });
    await changed('loss', before.loss);
    await changed('codebook', before.codebook);
    assert.notEqual(await checksum('loss'), before.loss, 'the loss chart on screen redrew');
    assert.notEqual(await checksum('codebook'), before.codebook, 'the codebook chart on screen redrew');
    // Both charts on screen have drawn (one per frame); a scheduler that drew every chart would have drawn this one by now too.
    await web.page.waitForTimeout(1000);
    assert.equal(await checksum('commitment'), before.commitment, 'the commitment chart off screen did not redraw');
    await web.page.locator('[data-chart="commitment"]').scrollIntoViewIfNeeded();
    await changed('commitment', before.commitment);
    assert.notEqual(await checksum('commitment'), before.commitment, 'scrolled into view, the commitment chart redrew with the appended points');
    await web.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`draws the codebook heatmap with hover titles and click-to-explorer (${theme})`, async () => {
      const { web, model, hostGot } = await dashboard(browser, [sweep[0]], theme);
      await web.waitForPosted(rendered((x) => x.heatmapCells > 0));
      await web.page.locator('vscode-tab-header', { hasText: 'Codebooks' }).click();
      const canvas = web.page.locator('canvas[data-heatmap="levels"]');
      await canvas.waitFor({ state: 'visible' });
      const r = (await web.waitForPosted(rendered((x) => x.heatmapCells > 0))).heatmapCells;
      assert.equal(r, 3 * 64, 'a cell per code per level');
      // Hover the busiest code of level 0: the tooltip shows its count and titles from the catalog.
      const counts = model.state().codebook!.counts[0];
      const code = counts.indexOf(Math.max(...counts));
      const box = (await canvas.boundingBox())!;
      const x = box.x + 64 + ((code + 0.5) / 64) * (box.width - 64);
      const y = box.y + 4 + 11;
      await web.page.mouse.move(x, y);
      const tip = web.page.locator('.tooltip:not([hidden])').first();
      await tip.waitFor();
      const expected = await model.cellItems(0, 0, code);
      await web.page.locator('.tooltip .tip-title').first().waitFor();
      const text = (await tip.textContent()) ?? '';
      assert.match(text, new RegExp(`code ${code}`));
      assert.match(text, new RegExp(`${counts[code]} items`));
      assert.ok(text.includes(expected.titles[0].slice(0, 30)), `tooltip shows a title: ${text.slice(0, 200)}`);
      await web.page.screenshot({ path: path.join(out, `webview-heatmap-${theme}.png`), fullPage: true });
      await web.page.mouse.click(x, y);
      await web.waitForPosted((m): m is DashboardToHost => isDashboardToHost(m) && m.kind === 'openExplorer');
      const click = hostGot.find((m) => m.kind === 'openExplorer');
      assert.deepEqual(click, { kind: 'openExplorer', level: 0, code });
      await web.close();
    });
  }

  it('shows dead-code events, pairs with the threshold, and the sweep comparison', async () => {
    const { web, model } = await dashboard(browser, [sweep[0]], 'dark');
    await web.waitForPosted(rendered((x) => x.curves > 0));
    const state = model.state();
    await web.page.locator('vscode-tab-header', { hasText: 'Dead codes' }).click();
    const rows = await web.page.locator('#dead-events tbody tr').count();
    assert.equal(rows, state.deadCodes.length);
    assert.ok(rows > 0, 'the fixture run re-initialised dead codes');
    await web.page.screenshot({ path: path.join(out, 'webview-dead-codes-dark.png'), fullPage: true });
    await web.page.locator('vscode-tab-header', { hasText: 'Pairs' }).click();
    assert.ok(state.pairs && state.pairs.strongest.length > 0);
    const pairText = (await web.page.locator('.pairs-view').textContent()) ?? '';
    assert.ok(pairText.includes(`${state.pairs.event.kept.toLocaleString()} kept`), 'kept count shown');
    assert.ok(pairText.includes(state.pairs.strongest[0].aTitle!.slice(0, 20)), 'a kept pair shows its title');
    const red = await pixelsNear(web, 'canvas.histogram', [0xf8, 0x51, 0x49]);
    assert.ok(red > 20, `threshold line drawn: ${red}`);
    await web.page.screenshot({ path: path.join(out, 'webview-pairs-dark.png'), fullPage: true });
    await web.page.locator('vscode-tab-header', { hasText: 'Comparison' }).click();
    const table = web.page.locator('#comparison');
    assert.equal(await table.locator('tbody tr').count(), 2, 'one row per variant');
    const firstBefore = await table.locator('tbody tr th').first().textContent();
    await table.locator('thead th[data-column="collision_rate"]').click(); // descending now
    const firstAfter = await table.locator('tbody tr th').first().textContent();
    assert.notEqual(firstBefore, firstAfter, 'clicking the sorted column reverses the order');
    assert.equal(await web.page.locator('.bars .bar-row').count(), 2);
    await web.page.screenshot({ path: path.join(out, 'webview-comparison-dark.png'), fullPage: true });
    await web.close();
  });

  it('a run killed mid-write renders everything before its half-written line and says so', async () => {
    const lines = readFileSync(path.join(killed, 'metrics.jsonl'), 'utf8').split('\n');
    const { web, model } = await dashboard(browser, [killed], 'light');
    await web.waitForPosted(rendered((x) => x.curves > 0));
    const notes = await web.page.locator('.note').allTextContents();
    assert.ok(notes.some((n) => n.includes('half-written line') && n.includes(`line ${lines.length}`)), notes.join(' | '));
    assert.ok(notes.some((n) => n.includes(`${lines.length - 1} events`)), 'the events before it are all shown');
    const steps = model.state().curves[0].series.total.x;
    assert.ok(steps.length > 10);
    await web.page.screenshot({ path: path.join(out, 'webview-killed-run-light.png'), fullPage: true });
    await web.close();
  });

  it('a run without usage snapshots shows the final usage from its IDs, saying why', async () => {
    const dir = path.join(fixtures.root, 'scientific', 'no-snapshots');
    cpSync(sweep[1], dir, { recursive: true });
    const file = path.join(dir, 'metrics.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').filter((l) => !l.includes('"usage_snapshot"')).join('\n'));
    const { web, model } = await dashboard(browser, [dir], 'dark');
    const r = await web.waitForPosted(rendered((x) => x.heatmapCells > 0));
    assert.equal(r.heatmapCells, 3 * 64);
    assert.equal(model.state().codebook?.source, 'ids');
    const notes = await web.page.locator('.note').allTextContents();
    assert.ok(notes.some((n) => n.includes('no usage_snapshot events') && n.includes('final usage')), notes.join(' | '));
    await web.page.locator('vscode-tab-header', { hasText: 'Codebooks' }).click();
    assert.match((await web.page.locator('.heatmaps').textContent()) ?? '', /only the final usage/);
    await web.close();
  });

  it('its view state survives the webview being recreated (hidden, or the window reloaded)', async () => {
    const { web } = await dashboard(browser, [sweep[0], sweep[1]], 'dark');
    await web.waitForPosted(rendered((x) => x.curves > 0 && x.heatmapCells > 0));
    await web.page.locator('#smoothing').evaluate((el: HTMLInputElement) => {
      el.value = '0.85';
      el.dispatchEvent(new Event('input'));
    });
    await web.page.locator('vscode-checkbox').click();
    await web.page.locator('vscode-tab-header', { hasText: 'Codebooks' }).click();
    await web.page.locator('.segmented .segment', { hasText: 'L2' }).click();
    const saved = (await web.page.evaluate(() => (window as unknown as { acquireVsCodeApi(): { getState(): unknown } }).acquireVsCodeApi().getState())) as { view: unknown };
    await web.close();
    // What VS Code keeps and hands back: the serializer restores its runs (DashboardPanel.restore
    // shows runs[0] with runs[1..] overlaid, i.e. loads them in that order), the webview the rest.
    assert.ok(isViewState(saved.view), JSON.stringify(saved));
    assert.deepEqual(saved.view, { runs: [sweep[0], sweep[1]], tab: 'codebooks', smoothing: 0.85, logY: true, level: 2 });
    const state = await new DashboardModel(fileRunSource()).load(saved.view.runs);
    let askedWith: unknown;
    const again = await openWebview(
      browser,
      'dashboard',
      'dark',
      async (m, send) => {
        if (isDashboardToHost(m) && m.kind === 'ready') {
          askedWith = m.view;
          await send({ kind: 'state', state });
        }
      },
      undefined,
      true,
      `saved = ${JSON.stringify(saved)};`,
    );
    await again.waitForPosted(rendered((x) => x.curves > 0 && x.heatmapCells > 0));
    assert.deepEqual(askedWith, saved.view, 'ready carries the saved view');
    assert.equal(await again.page.locator('vscode-tabs').getAttribute('selected-index'), '1', 'the Codebooks tab is open');
    await again.page.locator('canvas[data-heatmap="levels"]').waitFor({ state: 'visible' });
    assert.equal(await again.page.locator('.segment.selected').textContent(), 'L2');
    assert.equal(await again.page.locator('#smoothing').inputValue(), '0.85');
    assert.equal(await again.page.locator('vscode-checkbox').evaluate((el) => (el as unknown as { checked: boolean }).checked), true);
    assert.equal(await again.page.locator('.run-chips .chip').count(), 2, 'both runs on the curves');
    await again.close();
  });

  it('high contrast: borders in contrastBorder, the selected level outlined, curves drawn', async () => {
    const { web } = await dashboard(browser, [sweep[0]], 'high-contrast');
    await web.waitForPosted(rendered((x) => x.curves > 0));
    await web.page.waitForTimeout(200);
    const border = await web.page.locator('.card').first().evaluate((el) => {
      const s = getComputedStyle(el);
      return `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor}`;
    });
    assert.equal(border, '1px solid rgb(111, 195, 223)', 'cards are framed in contrastBorder');
    const blue = await pixelsNear(web, '[data-chart="loss"] canvas', [0x4e, 0x79, 0xa7]);
    assert.ok(blue > 50, `run colour pixels on black: ${blue}`);
    await web.page.locator('vscode-tab-header', { hasText: 'Codebooks' }).click();
    await web.page.locator('canvas[data-heatmap="levels"]').waitFor({ state: 'visible' });
    // High contrast has no button fill: the selected level must be marked otherwise.
    const [selected, other] = await Promise.all(
      ['.segment.selected', '.segment:not(.selected)'].map((sel) =>
        web.page
          .locator(sel)
          .first()
          .evaluate((el) => {
            const s = getComputedStyle(el);
            return { background: s.backgroundColor, outline: `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` };
          }),
      ),
    );
    assert.equal(selected.background, other.background, 'no fill tells them apart');
    assert.equal(selected.outline, '2px solid rgb(243, 133, 24)', 'the selected level is outlined in contrastActiveBorder');
    assert.notEqual(other.outline, selected.outline);
    await web.page.screenshot({ path: path.join(out, 'webview-heatmap-high-contrast.png'), fullPage: true });
    await web.close();
  });

  it('titles from catalogs are text, never HTML', async () => {
    const { web } = await dashboard(browser, [sweep[0]], 'dark', { answerCells: false });
    await web.waitForPosted(rendered((x) => x.heatmapCells > 0));
    await web.page.locator('vscode-tab-header', { hasText: 'Codebooks' }).click();
    const canvas = web.page.locator('canvas[data-heatmap="levels"]');
    const box = (await canvas.boundingBox())!;
    await web.page.mouse.move(box.x + 70, box.y + 15);
    const asked = await web.waitForPosted((m): m is Extract<DashboardToHost, { kind: 'cellItems' }> => isDashboardToHost(m) && m.kind === 'cellItems');
    const evil = '<img src=x id=injected onerror="document.title=1"><b>bold</b>';
    // A cell answer whose title is markup: it must show as the characters themselves.
    await web.send({ kind: 'cellItems', items: { requestId: asked.requestId, level: asked.level, code: asked.code, count: 3, titles: [evil], note: null } });
    await web.page.locator('.tip-title').first().waitFor();
    assert.equal(await web.page.locator('#injected').count(), 0);
    assert.equal(await web.page.locator('.tip-title b').count(), 0);
    assert.equal(await web.page.locator('.tip-title').first().textContent(), evil);
    await web.close();
  });
});
