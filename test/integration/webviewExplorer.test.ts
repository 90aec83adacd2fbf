/**
 * The Semantic-ID Explorer webview in Chromium over a fixture run's real IDs and
 * catalog (the Scientific example): the tree opens level by level with counts, a
 * prefix in each accepted spelling and a title word find the items the host's model
 * finds, an item shows its catalog fields and neighbours, a heatmap's reveal opens
 * the tree there, the list stays virtual (few DOM rows for many items), and high
 * contrast marks the selection with an outline.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ExplorerModel } from '../../src/engine/query/explorerModel';
import { loadRunCatalog, loadRunInspection } from '../../src/engine/query/runInspection';
import { readRunSummary } from '../../src/extension/runs/runSummaryFile';
import type { CodePattern, ExplorerToHost } from '../../src/protocol';
import { isExplorerToHost } from '../../src/protocol';
import { chromiumMissing, copyFixtures, ensureBundles, launch, openWebview, repoRoot, runDirs, type Theme, type WebviewPage } from '../support/webviewHarness';

const missing = chromiumMissing();
const out = path.join(repoRoot, 'test-output');
type Rendered = Extract<ExplorerToHost, { kind: 'rendered' }>;

async function explorer(browser: Browser, model: ExplorerModel, theme: Theme, reveal: CodePattern | null = null): Promise<WebviewPage> {
  return openWebview(browser, 'explorer', theme, async (m, send) => {
    assert.ok(isExplorerToHost(m), `rejected message ${JSON.stringify(m).slice(0, 200)}`);
    if (m.kind === 'ready') await send({ kind: 'run', run: model.info, message: null, reveal });
    else if (m.kind === 'children') await send({ kind: 'children', prefix: m.prefix, ...model.children(m.prefix), error: null });
    else if (m.kind === 'search') await send({ kind: 'search', requestId: m.requestId, query: m.query, ...model.search(m.query) });
    else if (m.kind === 'item') await send({ kind: 'item', view: model.item(m.id), error: null });
  });
}

const renderedWith =
  (accept: (r: Rendered) => boolean) =>
  (m: unknown): m is Rendered =>
    isExplorerToHost(m) && m.kind === 'rendered' && accept(m);

async function typeQuery(web: WebviewPage, query: string): Promise<void> {
  const input = web.page.locator('#search input');
  await input.fill(query);
  await input.press('Enter');
}

describe('explorer webview in Chromium', { skip: missing ?? false }, () => {
  let browser: Browser;
  let fixtures: { root: string; dispose(): void };
  let model: ExplorerModel;

  before(async () => {
    ensureBundles();
    mkdirSync(out, { recursive: true });
    fixtures = copyFixtures();
    const dir = runDirs(fixtures.root, 'scientific')[0];
    model = new ExplorerModel(await loadRunInspection(dir, await loadRunCatalog(dir)), (await readRunSummary(dir))!.codebook_size);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    fixtures?.dispose();
  });

  it('the tree opens level by level with counts that add up', async () => {
    const web = await explorer(browser, model, 'dark');
    const top = model.children([]);
    await web.page.locator('.row.node').first().waitFor();
    const first = top.nodes[0];
    const row = web.page.locator(`.row.node[data-prefix="${first.code}"]`);
    assert.equal((await row.locator('.count').textContent())?.replace(/,/g, ''), String(first.count));
    await row.click();
    const next = model.children([first.code]);
    await web.page.locator(`.row.node[data-prefix="${first.code}-${next.nodes[0].code}"]`).waitFor();
    assert.equal(next.total, first.count, 'children counts add up to the parent');
    await web.close();
  });

  it('a tree query that fails shows its reason in place of "loading…", and reopening the node asks again', async () => {
    const first = model.children([]).nodes[0];
    const reason = 'the engine could not list this node: the run-query process ended';
    let failures = 1;
    const web = await openWebview(browser, 'explorer', 'dark', async (m, send) => {
      assert.ok(isExplorerToHost(m));
      if (m.kind === 'ready') await send({ kind: 'run', run: model.info, message: null, reveal: null });
      else if (m.kind === 'children' && m.prefix.length === 1 && failures-- > 0) await send({ kind: 'children', prefix: m.prefix, nodes: [], items: [], total: 0, error: reason });
      else if (m.kind === 'children') await send({ kind: 'children', prefix: m.prefix, ...model.children(m.prefix), error: null });
    });
    const row = web.page.locator(`.row.node[data-prefix="${first.code}"]`);
    await row.click();
    await web.page.locator('.row', { hasText: reason }).waitFor();
    assert.equal(await web.page.locator('.row', { hasText: 'loading…' }).count(), 0);
    // Closed and opened again: asked again, and this time answered.
    await row.click();
    await row.click();
    const child = model.children([first.code]).nodes[0];
    await web.page.locator(`.row.node[data-prefix="${first.code}-${child.code}"]`).waitFor();
    assert.equal(await web.page.locator('.row', { hasText: reason }).count(), 0);
    await web.close();
  });

  it('finds items by prefix in every spelling, by id and by a title word; shows an item', async () => {
    const web = await explorer(browser, model, 'light');
    await web.page.locator('.row.node').first().waitFor();
    const busiest = model.children([]).nodes.reduce((a, b) => (b.count > a.count ? b : a));
    const second = model.children([busiest.code]).nodes[0];
    const expected = model.search(`${busiest.code}-${second.code}`).total;
    assert.ok(expected > 0);
    for (const q of [`${busiest.code}-${second.code}`, `${busiest.code}/${second.code}`, `<a_${busiest.code}><b_${second.code}>`]) {
      await typeQuery(web, q);
      const r = await web.waitForPosted(renderedWith((x) => x.searchTotal === expected));
      assert.equal(r.searchTotal, expected, q);
      assert.equal(await web.page.locator('#search-total').getAttribute('data-total'), String(expected));
    }
    // By item id: the item comes first.
    const item = model.search(`${busiest.code}-${second.code}`).items[0];
    await typeQuery(web, item.id);
    await web.page.locator(`.vlist .row.item[data-item="${item.id}"]`).first().waitFor();
    // By a word of its title.
    const word = (item.title ?? '').split(/\W+/).find((w) => w.length > 5)!;
    const byWord = model.search(word);
    await typeQuery(web, word);
    await web.waitForPosted(renderedWith((x) => x.searchTotal === byWord.total));
    assert.ok(byWord.items.some((it) => it.id === item.id), `the title word "${word}" finds the item`);
    await web.page.locator(`.vlist .row.item[data-item="${item.id}"]`).first().click();
    await web.page.locator('#item-sid').waitFor();
    assert.equal(await web.page.locator('#item-sid').textContent(), item.sid.join('-'));
    const detail = (await web.page.locator('.detail').textContent()) ?? '';
    assert.ok(detail.includes('Catalog fields') && detail.includes('Items sharing its codes'));
    assert.equal(await web.page.locator('.detail .depth').count(), 3, 'one group per depth 1..L');
    await web.page.screenshot({ path: path.join(out, 'webview-explorer-light.png') });
    await web.close();
  });

  it('high contrast: the selected item is outlined in contrastActiveBorder, lists framed in contrastBorder', async () => {
    const web = await explorer(browser, model, 'high-contrast');
    await web.page.locator('.row.node').first().waitFor();
    const top = model.children([]).nodes[0];
    const item = model.search(String(top.code)).items[0];
    await typeQuery(web, item.id);
    const row = web.page.locator(`.vlist .row.item[data-item="${item.id}"]`).first();
    await row.click();
    await web.page.locator('.vlist .row.item.selected').first().waitFor();
    const look = await web.page
      .locator('.vlist .row.item.selected')
      .first()
      .evaluate((el) => {
        const s = getComputedStyle(el);
        const list = getComputedStyle(el.closest('.vlist')!);
        return { outline: `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}`, background: s.backgroundColor, frame: list.borderTopColor };
      });
    // High contrast has no list selection fill, so without the outline the selection would not show.
    assert.equal(look.background, 'rgba(0, 0, 0, 0)');
    assert.equal(look.outline, '1px solid rgb(243, 133, 24)');
    assert.equal(look.frame, 'rgb(111, 195, 223)');
    await web.page.screenshot({ path: path.join(out, 'webview-explorer-high-contrast.png') });
    await web.close();
  });

  it('a heatmap reveal opens the tree at the prefix; a deeper cell becomes a pattern search', async () => {
    const code = model.children([]).nodes[3].code;
    const web = await explorer(browser, model, 'dark', [code]);
    await web.page.locator(`.row.node.highlight[data-prefix="${code}"]`).waitFor();
    assert.equal(await web.page.locator('#search input').inputValue(), String(code));
    await web.page.screenshot({ path: path.join(out, 'webview-explorer-dark.png') });
    await web.close();
    const deeper = await explorer(browser, model, 'dark', [null, 5]);
    const expected = model.search('*-5').total;
    await deeper.waitForPosted(renderedWith((x) => x.searchTotal === expected));
    assert.equal(await deeper.page.locator('#search input').inputValue(), '*-5');
    await deeper.close();
  });

  it('stays virtual: thousands of result rows, a few dozen in the DOM', async () => {
    const web = await explorer(browser, model, 'dark');
    await web.page.locator('.row.node').first().waitFor();
    // Reveal a second-level node under every top-level code: each top node opens.
    for (const n of model.children([]).nodes) {
      const child = model.children([n.code]).nodes[0];
      await web.send({ kind: 'run', run: model.info, message: null, reveal: [n.code, child.code] });
    }
    const secondLevel = model.children([]).nodes.reduce((sum, n) => sum + model.children([n.code]).nodes.length, 0);
    assert.ok(secondLevel > 100, `${secondLevel} second-level nodes`);
    const r = await web.waitForPosted(renderedWith((x) => x.rows > 100));
    const inDom = await web.page.locator('.vrow').count();
    assert.ok(inDom < 120, `${inDom} rows in the DOM for ${r.rows}`);
    await web.close();
  });
});
