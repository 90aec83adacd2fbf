/**
 * Test hooks stay out of a user's session (issue 11): the webviews post their
 * `rendered` reports only when the host marked the page as a test session
 * (ExtensionMode.Test, webviewHtml); otherwise they render the same and stay quiet.
 * Each page is driven to the same visible state both ways, then through one user
 * action whose message follows the render's, so silence is not a page that never
 * rendered or a report still in flight.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DashboardModel } from '../../src/extension/dashboard/dashboardModel';
import { RunQueries } from '../../src/engine/query/runQueries';
import { isDashboardToHost, isExplorerToHost } from '../../src/protocol';
import { chromiumMissing, copyFixtures, ensureBundles, fileRunSource, launch, openWebview, runDirs } from '../support/webviewHarness';

const isRendered = (m: unknown): boolean => typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'rendered';

describe('webview test hooks only in test sessions', { skip: chromiumMissing() ?? false }, () => {
  let browser: Browser;
  let fixtures: { root: string; dispose(): void };
  let dir: string;
  const queries = new RunQueries();

  before(async () => {
    ensureBundles();
    fixtures = copyFixtures();
    dir = runDirs(fixtures.root, 'scientific')[0];
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    fixtures?.dispose();
  });

  for (const testSession of [true, false]) {
    it(`explorer: ${testSession ? 'a test session gets' : 'a user session gets no'} rendered reports`, async () => {
      const run = await queries.ask({ kind: 'open', dir });
      const web = await openWebview(
        browser,
        'explorer',
        'dark',
        async (m, send) => {
          assert.ok(isExplorerToHost(m));
          if (m.kind === 'ready') await send({ kind: 'run', run, message: null, reveal: null });
          else if (m.kind === 'children') await send({ kind: 'children', prefix: m.prefix, ...(await queries.ask({ kind: 'children', dir, prefix: m.prefix })), error: null });
        },
        undefined,
        testSession,
      );
      await web.page.locator('.row.node').first().waitFor();
      const top = await queries.ask({ kind: 'children', dir, prefix: [] });
      const first = web.page.locator(`.row.node[data-prefix="${top.nodes[0].code}"] .count`);
      assert.equal((await first.textContent())?.replace(/,/g, ''), String(top.nodes[0].count), 'the tree rendered');
      // A round trip after the render: a report posted by it would have arrived before this answer's request.
      await web.page.locator(`.row.node[data-prefix="${top.nodes[0].code}"]`).click();
      await web.waitForPosted((m): m is unknown => isExplorerToHost(m) && m.kind === 'children' && m.prefix.length === 1);
      if (testSession) await web.waitForPosted((m): m is unknown => isRendered(m));
      else assert.deepEqual(web.posted.filter(isRendered), []);
      await web.close();
    });

    it(`dashboard: ${testSession ? 'a test session gets' : 'a user session gets no'} rendered reports`, async () => {
      const state = await new DashboardModel(fileRunSource()).load([dir]);
      const web = await openWebview(
        browser,
        'dashboard',
        'light',
        async (m, send) => {
          assert.ok(isDashboardToHost(m));
          if (m.kind === 'ready') await send({ kind: 'state', state });
        },
        undefined,
        testSession,
      );
      await web.page.locator('[data-chart="loss"] .u-over').waitFor();
      // A round trip after the render (see above).
      await web.page.getByText('Export CSV').click();
      await web.waitForPosted((m): m is unknown => isDashboardToHost(m) && m.kind === 'exportCsv');
      if (testSession) await web.waitForPosted((m): m is unknown => isRendered(m));
      else assert.deepEqual(web.posted.filter(isRendered), []);
      await web.close();
    });
  }
});
