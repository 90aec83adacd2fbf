/**
 * The dashboard's and explorer's host-side data over fixture runs of the Scientific
 * example (test/fixtures/sweep): downsampling keeps extremes and ends, run history
 * drops repeated events and reports what is new, CSV export holds every point,
 * dead-code warnings fire above the threshold only, and the explorer's searches read
 * every prefix spelling the same.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { curvesCsv } from '../../src/extension/dashboard/curvesCsv';
import { levelsOverThreshold } from '../../src/extension/dashboard/deadShare';
import { downsampleMinMax } from '../../src/extension/dashboard/downsample';
import { RunHistory } from '../../src/extension/dashboard/runHistory';
import { partialLastLine, readComparison } from '../../src/extension/dashboard/runFiles';
import { ExplorerModel } from '../../src/engine/query/explorerModel';
import { loadRunCatalog, loadRunInspection } from '../../src/engine/query/runInspection';
import type { DiagnosticsEvent, EngineEvent } from '../../src/protocol';
import { isDashboardToHost, isExplorerToHost } from '../../src/protocol';
import { copyFixtures, fileRunSource, runDirs } from '../support/webviewHarness';

describe('dashboard data', () => {
  let fixtures: { root: string; dispose(): void };
  let run: string;
  let events: EngineEvent[];

  before(async () => {
    fixtures = copyFixtures();
    run = runDirs(fixtures.root, 'scientific')[0];
    events = await fileRunSource().events(run);
  });
  after(() => fixtures.dispose());

  it('downsampling keeps the first, last, minimum and maximum of each bucket', () => {
    const n = 100_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = x.map((i) => Math.sin(i / 500) + (i === 31_337 ? 50 : 0) - (i === 77_777 ? 50 : 0));
    const d = downsampleMinMax(x, y, 1000);
    assert.ok(d.x.length <= 4000 && d.x.length >= 2000, `${d.x.length} points`);
    assert.equal(d.x[0], 0);
    assert.equal(d.x[d.x.length - 1], n - 1);
    assert.ok(d.x.includes(31_337) && d.x.includes(77_777), 'spikes survive');
    for (let i = 1; i < d.x.length; i++) assert.ok(d.x[i] > d.x[i - 1], 'steps stay in order');
    const short = downsampleMinMax([1, 2, 3], [3, 2, 1], 1000);
    assert.deepEqual(short, { x: [1, 2, 3], y: [3, 2, 1] });
  });

  it('run history folds every loss and diagnostic; a repeated event adds nothing', () => {
    const h = new RunHistory(run);
    const first = h.add(events);
    assert.ok(first);
    const losses = events.filter((e) => e.type === 'losses').length;
    assert.equal(h.series.get('total')?.x.length, losses);
    assert.equal(h.series.get('codebook/2')?.x.length, losses);
    assert.equal(h.series.get('usage/0')?.x.length, events.filter((e) => e.type === 'diagnostics').length);
    assert.equal(h.usage.length, events.filter((e) => e.type === 'usage_snapshot').length);
    assert.equal(h.add(events), null, 'the same events again change nothing');
  });

  it('CSV export has a row per (run, step) and a column per series, every point', () => {
    const csv = curvesCsv([{ dir: run, events }]).trim().split('\n');
    const header = csv[0].split(',');
    assert.deepEqual(header.slice(0, 4), ['run', 'step', 'total', 'recon']);
    const steps = new Set(events.filter((e) => e.type === 'losses' || e.type === 'diagnostics').map((e) => e.step));
    assert.equal(csv.length - 1, steps.size);
    const loss = events.find((e) => e.type === 'losses')!;
    const row = csv.find((l) => l.split(',')[1] === String(loss.step))!.split(',');
    assert.equal(Number(row[header.indexOf('total')]), loss.type === 'losses' ? loss.total : NaN);
  });

  it('a dead-code warning needs a share above the threshold', () => {
    const d = events.find((e): e is DiagnosticsEvent => e.type === 'diagnostics')!;
    const shares = d.dead_codes.map((n) => n / 64);
    const max = Math.max(...shares);
    assert.deepEqual(levelsOverThreshold(d, [64, 64, 64], max), []);
    assert.ok(levelsOverThreshold(d, [64, 64, 64], max - 1e-9).length >= 1);
    assert.deepEqual(levelsOverThreshold(d, [64, 64, 64], 1), [], '1 turns it off');
  });

  it("finds the killed run's cut line and the sweep's comparison", async () => {
    const killed = runDirs(fixtures.root, 'killed')[0];
    const cut = await partialLastLine(killed);
    assert.ok(cut && cut.bytes > 0 && cut.line > 10);
    assert.equal(await partialLastLine(run), null);
    const comparison = await readComparison(run);
    assert.deepEqual(comparison?.variants.map((v) => v.variant), ['seed_method', 'plain']);
    assert.equal(comparison?.variants[0].metrics['usage[0]'].n, 2);
  });

  it('explorer: 12-4, 12/4 and <a_12><b_4> are the same prefix; words and ids find items', async () => {
    const model = new ExplorerModel(await loadRunInspection(run, await loadRunCatalog(run)));
    const top = model.children([]).nodes[0];
    const next = model.children([top.code]).nodes[0];
    const a = model.search(`${top.code}-${next.code}`);
    const b = model.search(`${top.code}/${next.code}`);
    const c = model.search(`<a_${top.code}><b_${next.code}>`);
    assert.equal(a.mode, 'prefix');
    assert.equal(a.total, next.count);
    assert.deepEqual(b.items, a.items);
    assert.deepEqual(c.items, a.items);
    const item = a.items[0];
    assert.equal(model.search(item.id).items[0].id, item.id, 'an id finds its item first');
    const word = item.title!.split(/\W+/).find((w) => w.length > 5)!;
    assert.ok(model.search(word.toUpperCase()).items.some((it) => it.id === item.id), 'case-insensitive words');
    assert.equal(model.search('*-' + next.code).mode, 'pattern');
    assert.equal(model.search('1-2-3-4-5-6').mode, 'error', 'deeper than the IDs');
  });

  it('messages from webviews are checked at run time', () => {
    assert.ok(isDashboardToHost({ kind: 'openExplorer', level: 0, code: 3 }));
    assert.ok(!isDashboardToHost({ kind: 'openExplorer', level: -1, code: 3 }));
    assert.ok(!isDashboardToHost({ kind: 'exportPng', name: 'x', dataUrl: 'javascript:alert(1)' }));
    assert.ok(isExplorerToHost({ kind: 'children', prefix: [1, 2] }));
    assert.ok(!isExplorerToHost({ kind: 'children', prefix: ['1'] }));
  });
});
