/**
 * `npm run bench:webview [-- heatmap zoom append live explorer] [--baseline DIR]`: the issue's speed
 * targets, measured in Debian's Chromium on synthetic data of the target sizes (seeded),
 * with the real bundles. Prints medians, the ratio to each target and the load average;
 * asserts nothing. What each line measures:
 *   - heatmap: a click on a level button, which redraws the 4 x 4096 level x code
 *     heatmap synchronously (target <= 50 ms).
 *   - zoom: a drag (synthetic mouse events uPlot accepts) over a chart of 4 curves x 100k
 *     points (8 drawn series with smoothing's faint raw lines), timed from the mouseup to
 *     the end of uPlot's redraw, and rAF to rAF around it; the chart's pixels must change
 *     (target <= 16 ms).
 *   - append: live append messages dispatched synchronously to the webview's message
 *     listener at 1 and 4 messages per frame for 90 frames; cost per message = (time in
 *     the listener + time in every animation-frame callback meanwhile, i.e. the coalesced
 *     redraws and the rendered report, with the microtasks they queue) / messages
 *     (target <= 2 ms). Canvas rasterisation by the browser is not included there; the
 *     main-thread CPU time printed below each line includes it (and the bench's own frame
 *     loop). The charts' redraws in the run are counted (a canvas cleared whole). Two cases:
 *     `live`, the host's real min/max-downsampled snapshot of a 200k-step run (10 charts),
 *     each message a losses event's 15 points, and the stress chart of 4 x 100k raw points
 *     that no host sends (redraws there are spaced by their cost, see curves.ts).
 *   - explorer: in Node, the ExplorerModel (held by the engine's run-query process) over 1,000,000 items: a prefix search
 *     (target <= 50 ms) and text searches of one word, two words and an id fragment
 *     (target <= 200 ms), after the text index is built once (printed).
 * `--baseline DIR`: also run `append` and `live` on the bundles in DIR (a dist/webview
 * folder built from another commit), alternating baseline and current twice, so both
 * are measured under the same load.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { ExplorerModel } from '../src/engine/query/explorerModel';
import { buildInspectIndex } from '../src/engine/diagnostics/inspect';
import type { DashboardAppend, DashboardState, EngineEvent, LossesEvent, RunCurves } from '../src/protocol';
import { CHART_GROUPS, metricOf, seriesPoints } from '../src/protocol';
import { RunHistory } from '../src/extension/dashboard/runHistory';
import { ensureBundles, launch, openWebview, repoRoot, type WebviewPage } from '../test/support/webviewHarness';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** tsx names the functions in evaluated callbacks with a helper the page lacks. */
const KEEP_NAMES = 'globalThis.__name = (f) => f';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(name: string, ms: number, target: number): void {
  console.log(`${name.padEnd(62)} ${ms.toFixed(2).padStart(8)} ms   target ${String(target).padStart(4)} ms   ratio ${(ms / target).toFixed(2)}`);
}

/**
 * Run before the bundle: every requestAnimationFrame callback is timed, with the
 * microtasks it queued (uPlot commits in one), into `__rafBusy`; the bench's own frame
 * waits use the untimed `__rawRaf`.
 */
const TIME_FRAMES = `
  const raw = window.requestAnimationFrame.bind(window);
  window.__rawRaf = raw;
  window.__rafBusy = 0;
  window.requestAnimationFrame = (cb) => raw((ts) => {
    const t = performance.now();
    try { cb(ts); } finally { queueMicrotask(() => { window.__rafBusy += performance.now() - t; }); }
  });
  window.__draws = 0;
  const clear = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function (x, y, w, h) {
    if (x === 0 && y === 0 && w === this.canvas.width && h === this.canvas.height) window.__draws++;
    return clear.call(this, x, y, w, h);
  };`;

interface AppendTimes {
  rows: { perFrame: number; events: number; handler: number; frames: number; perEvent: number; cpuPerEvent: number; draws: number; seconds: number }[];
}

const sessions = new WeakMap<import('playwright-core').Page, import('playwright-core').CDPSession>();

/**
 * CPU time of the page's main thread so far (ms), from Chromium's own metrics: unlike
 * wall time it does not grow when other jobs take the machine's cores.
 */
async function threadTime(page: import('playwright-core').Page): Promise<number> {
  let cdp = sessions.get(page);
  if (!cdp) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    sessions.set(page, cdp);
  }
  const { metrics } = await cdp.send('Performance.getMetrics');
  return 1000 * (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN);
}

/**
 * For each rate (messages per frame): `frames` frames in which that many append messages
 * are dispatched synchronously to the page's message listener (each timed: `handler`),
 * then a second of quiet so every coalesced redraw happens; `frames` work is all the time
 * spent in animation-frame callbacks meanwhile (redraws and the rendered report).
 * Per event = (handler total + frame work) / messages.
 */
async function appendBench(page: import('playwright-core').Page, rates: number[], message: (step: number) => DashboardAppend, firstStep: number, frames = 90): Promise<AppendTimes> {
  const rows: AppendTimes['rows'] = [];
  let step = firstStep;
  for (const perFrame of rates) {
    const appends: DashboardAppend[][] = [];
    for (let f = 0; f < frames; f++) appends.push(Array.from({ length: perFrame }, () => message(++step)));
    const cpu0 = await threadTime(page);
    const r = await page.evaluate(async (appends) => {
      const w = window as unknown as { __rawRaf: (cb: () => void) => void; __rafBusy: number; __draws: number };
      const frame = (): Promise<void> => new Promise((res) => w.__rawRaf(() => setTimeout(res, 0)));
      await frame();
      await new Promise((res) => setTimeout(res, 1000));
      w.__rafBusy = 0;
      w.__draws = 0;
      const start = performance.now();
      let handler = 0;
      for (const batch of appends) {
        await frame();
        for (const append of batch) {
          const t = performance.now();
          window.dispatchEvent(new MessageEvent('message', { data: { kind: 'append', append } }));
          handler += performance.now() - t;
        }
      }
      const seconds = (performance.now() - start) / 1000;
      await new Promise((res) => setTimeout(res, 1000));
      return { handler, frames: w.__rafBusy, draws: w.__draws, seconds };
    }, appends);
    const events = frames * perFrame;
    const cpu = (await threadTime(page)) - cpu0;
    rows.push({ perFrame, events, handler: r.handler, frames: r.frames, perEvent: (r.handler + r.frames) / events, cpuPerEvent: cpu / events, draws: r.draws, seconds: r.seconds });
  }
  return { rows };
}

/**
 * Main-thread CPU time of the same frame loop with no messages (ms a frame): the part of
 * the CPU figures that is the bench's own waiting and the page's idle frames.
 */
async function loopFloor(page: import('playwright-core').Page, frames = 90): Promise<number> {
  const cpu0 = await threadTime(page);
  await page.evaluate(async (frames) => {
    const w = window as unknown as { __rawRaf: (cb: () => void) => void };
    const frame = (): Promise<void> => new Promise((res) => w.__rawRaf(() => setTimeout(res, 0)));
    await frame();
    await new Promise((res) => setTimeout(res, 1000));
    for (let f = 0; f < frames; f++) await frame();
    await new Promise((res) => setTimeout(res, 1000));
  }, frames);
  return ((await threadTime(page)) - cpu0) / frames;
}

function reportAppend(what: string, t: AppendTimes, liveCharts: number): void {
  for (const r of t.rows) {
    report(`live append, ${what}, ${r.perFrame}/frame`, r.perEvent, 2);
    console.log(`  = (handler ${r.handler.toFixed(1)} ms + frame work ${r.frames.toFixed(1)} ms) / ${r.events} messages; handler alone ${(r.handler / r.events).toFixed(3)} ms per message`);
    report(`  same in main-thread CPU time (everything the page did)`, r.cpuPerEvent, 2);
    console.log(`  ${r.draws} chart redraws while the ${r.events} messages arrived over ${r.seconds.toFixed(1)} s: ${(r.draws / liveCharts / r.seconds).toFixed(1)} a second per chart the messages touch (${liveCharts})`);
  }
}

/** The dashboard bundle in `dist` (frames timed) showing `state`, once its `chart` is drawn. */
async function openDashboard(browser: import('playwright-core').Browser, state: DashboardState, chart: string, dist = CURRENT): Promise<WebviewPage> {
  const web = await openWebview(
    browser,
    'dashboard',
    'dark',
    async (m, send) => {
      if ((m as { kind: string }).kind === 'ready') await send({ kind: 'state', state });
    },
    undefined,
    false,
    TIME_FRAMES,
    dist,
  );
  await web.page.locator(`[data-chart="${chart}"] canvas`).first().waitFor();
  await web.page.evaluate(KEEP_NAMES);
  return web;
}

/**
 * `measure` on a fresh dashboard page per bundle of `variants` (with a baseline, it and
 * the current ones alternate, so both are measured under the same load), each after the
 * load average is printed.
 */
async function forEachVariant(
  browser: import('playwright-core').Browser,
  state: DashboardState,
  chart: string,
  measure: (page: import('playwright-core').Page, label: string) => Promise<void>,
): Promise<void> {
  for (const v of variants) {
    const web = await openDashboard(browser, state, chart, v.dist);
    await web.page.waitForTimeout(300);
    console.log(`[${v.label}] load average ${load()}`);
    await measure(web.page, v.label);
    await web.close();
  }
}

/** `npm run bench:webview -- zoom live` runs only those parts (heatmap, zoom, append, live, explorer). */
const args = process.argv.slice(2);
const baselineAt = args.indexOf('--baseline');
const baseline = baselineAt >= 0 ? args.splice(baselineAt, 2)[1] : undefined;
const only = args;
const want = (part: string): boolean => only.length === 0 || only.includes(part);
/** The bundles the append benchmarks run on, in order: with a baseline, it and the current ones alternate. */
const CURRENT = path.join(repoRoot, 'dist', 'webview');
const variants: { label: string; dist: string }[] = baseline
  ? [0, 1].flatMap(() => [{ label: `baseline ${baseline}`, dist: path.resolve(baseline) }, { label: 'current', dist: CURRENT }])
  : [{ label: 'current', dist: CURRENT }];
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  ensureBundles();
  console.log(`load average ${load()}`);
  const random = rng(20261129);
  const browser = await launch();
  try {
    // Curves: 4 series of 100k points in one chart (one run, four levels of the codebook loss).
    const n = 100_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const series: RunCurves['series'] = {};
    for (let l = 0; l < 4; l++) series[`codebook/${l}`] = { x, y: x.map((i) => Math.exp(-i / 30000) + 0.05 * random() + l) };
    const counts = Array.from({ length: 4 }, () => Array.from({ length: 4096 }, () => Math.floor(-Math.log(1 - random()) * 200)));
    const state: DashboardState = {
      run: null,
      message: null,
      curves: [{ dir: '/bench', label: 'bench', color: 0, status: 'completed', series, rawPoints: 4 * n }],
      codebook: { counts, source: 'snapshot', step: n, epoch: 0, history: [], items: 1_000_000 },
      deadCodes: [],
      pairs: null,
      comparison: null,
      notes: [],
    };
    state.run = { dir: '/bench', summary: null, progress: null, losses: null, diagnostics: null, backend: 'bench', live: true };
    const web = await openDashboard(browser, state, 'codebook');
    await web.page.locator('vscode-tab-header', { hasText: 'Codebooks' }).click();
    await web.page.locator('canvas[data-heatmap="levels"]').waitFor({ state: 'visible' });
    // Heatmap: a click on a level button redraws both heatmaps synchronously (level x code, 4 x 4096, and the empty over-time view).
    if (want('heatmap')) {
      const heat = await web.page.evaluate(() => {
        const buttons = Array.from(document.querySelectorAll('.segmented .segment')) as HTMLElement[];
        const times: number[] = [];
        for (let k = 0; k < 15; k++) {
          const t = performance.now();
          buttons[k % buttons.length].click();
          times.push(performance.now() - t);
        }
        return times;
      });
      report('heatmap 4 x 4096 render', median(heat), 50);
    }
    await web.page.locator('vscode-tab-header', { hasText: 'Curves' }).click();
    await web.page.waitForTimeout(300);
    // Zoom: a drag on the chart with 4 x 100k points (8 drawn series: smoothed and faint raw).
    // Started inside a frame; `sync` runs from the mouseup to the end of uPlot's redraw (it
    // commits in a microtask, awaited), `frame` from that frame's start to the next frame's
    // (rAF to rAF: over one vsync means a dropped frame). Each zoom is checked to have
    // changed the chart's pixels, so an ignored drag cannot pass as fast.
    if (want('zoom')) {
      const zoom = await web.page.evaluate(async () => {
        const over = document.querySelector('[data-chart="codebook"] .u-over') as HTMLElement;
        const canvas = document.querySelector('[data-chart="codebook"] canvas') as HTMLCanvasElement;
        const checksum = (): number => {
          const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let h = 0;
          for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0;
          return h;
        };
        const r = over.getBoundingClientRect();
        const frame = (): Promise<number> => new Promise((res) => requestAnimationFrame(res));
        const sync: number[] = [];
        const frames: number[] = [];
        let unchanged = 0;
        for (let k = 0; k < 12; k++) {
          const x0 = r.left + r.width * (0.1 + 0.02 * k);
          const x1 = r.left + r.width * (0.6 + 0.02 * k);
          const y = r.top + r.height / 2;
          const before = checksum();
          let t = 0;
          const start = await new Promise<number>((res) =>
            requestAnimationFrame((ts) => {
              over.dispatchEvent(new MouseEvent('mousedown', { clientX: x0, clientY: y, bubbles: true, button: 0 }));
              over.dispatchEvent(new MouseEvent('mousemove', { clientX: x1, clientY: y, movementX: x1 - x0, bubbles: true }));
              t = performance.now();
              document.dispatchEvent(new MouseEvent('mouseup', { clientX: x1, clientY: y, bubbles: true, button: 0 }));
              queueMicrotask(() => queueMicrotask(() => sync.push(performance.now() - t)));
              res(ts);
            }),
          );
          frames.push((await frame()) - start);
          if (checksum() === before) unchanged++;
          over.dispatchEvent(new MouseEvent('dblclick', { clientX: x1, clientY: y, bubbles: true }));
          await frame();
          await frame();
        }
        return { sync, frames, unchanged };
      });
      if (zoom.unchanged > 0) console.log(`WARNING: ${zoom.unchanged} of ${zoom.frames.length} zooms left the chart unchanged: the drag did not zoom`);
      report('4 curves x 100k points: zoom, mouseup to redrawn', median(zoom.sync), 16);
      report('  same, frame start to next frame (rAF to rAF)', median(zoom.frames), 16);
      console.log(`  zoom frames over one vsync (20 ms): ${zoom.frames.filter((f) => f > 20).length} of ${zoom.frames.length}; slowest mouseup to redrawn ${Math.max(...zoom.sync).toFixed(2)} ms`);
      // The same drags without the pixel checks, in main-thread CPU time: 12 zooms and 12 resets, each a redraw.
      const cpu0 = await threadTime(web.page);
      await web.page.evaluate(async () => {
        const over = document.querySelector('[data-chart="codebook"] .u-over') as HTMLElement;
        const r = over.getBoundingClientRect();
        for (let k = 0; k < 12; k++) {
          const x0 = r.left + r.width * (0.1 + 0.02 * k);
          const x1 = r.left + r.width * (0.6 + 0.02 * k);
          const y = r.top + r.height / 2;
          over.dispatchEvent(new MouseEvent('mousedown', { clientX: x0, clientY: y, bubbles: true, button: 0 }));
          over.dispatchEvent(new MouseEvent('mousemove', { clientX: x1, clientY: y, movementX: x1 - x0, bubbles: true }));
          document.dispatchEvent(new MouseEvent('mouseup', { clientX: x1, clientY: y, bubbles: true, button: 0 }));
          await new Promise((res) => setTimeout(res, 0));
          over.dispatchEvent(new MouseEvent('dblclick', { clientX: x1, clientY: y, bubbles: true }));
          await new Promise((res) => setTimeout(res, 0));
        }
      });
      report('  zoom or reset redraw, main-thread CPU time (mean)', ((await threadTime(web.page)) - cpu0) / 24, 16);
    }

    await web.close();

    // Live append on this stress chart (no host would send it: its snapshots are downsampled):
    // one message per logged step with a point for each of the 4 series; a fresh page per bundle.
    if (want('append')) {
      await forEachVariant(browser, state, 'codebook', async (page, label) => {
        const stress = await appendBench(page, [1, 4], (step) => ({ dir: '/bench', points: Object.fromEntries([0, 1, 2, 3].map((l) => [`codebook/${l}`, { x: [step], y: [l + 1] }])) }), 100_000);
        reportAppend(`[${label}] 4 x 100k raw points in one chart`, stress, 1);
      });
    }
  } finally {
    await browser.close();
  }

  // Live append as the host feeds it: a 4-level run with the collaborative term, 200k logged
  // steps and 400 diagnostics events folded by the real RunHistory and sent as its
  // min/max-downsampled snapshot (10 charts); then one message per logged step carrying a
  // losses event's 15 points.
  if (want('live')) {
    const history = new RunHistory('/live');
    const events: EngineEvent[] = [];
    const lossAt = (step: number): LossesEvent => {
      const d = Math.exp(-step / 50_000);
      const per = (b: number): number[] => [0, 1, 2, 3].map((l) => b * d * (1 + 0.1 * l) + 0.01 * random());
      return { type: 'losses', time: '', step, epoch: Math.floor(step / 1000), total: 3 * d + 0.02 * random(), recon: 2 * d + 0.02 * random(), codebook: per(0.3), commitment: per(0.3), collab: 1 + d, collab_accuracy: 0.5, balance: per(0.1) } as LossesEvent;
    };
    for (let step = 1; step <= 200_000; step++) events.push(lossAt(step));
    for (let e = 0; e < 400; e++) {
      const f = (b: number): number[] => [0, 1, 2, 3].map(() => b * (0.5 + 0.5 * random()));
      events.push({ type: 'diagnostics', time: '', step: (e + 1) * 500, epoch: e, scope: 'epoch', usage: f(1), perplexity: f(200), gini: f(0.5), dead_codes: f(20), collision_rate: 0.05 * random() } as EngineEvent);
    }
    history.add(events);
    const series = history.curves();
    const snapshotPoints = Object.values(series).reduce((n, s) => n + s.x.length, 0);
    // The charts a losses event feeds (loss, codebook, commitment, collab, balance).
    const liveCharts = CHART_GROUPS.filter((g) => g.metrics.some((m) => seriesPoints(events[0]).some(([name]) => metricOf(name) === m))).length;
    const liveState: DashboardState = {
      run: { dir: '/live', summary: null, progress: null, losses: null, diagnostics: null, backend: 'bench', live: true },
      message: null,
      curves: [{ dir: '/live', label: 'live', color: 0, status: 'running', series, rawPoints: history.pointCount }],
      codebook: null,
      deadCodes: [],
      pairs: null,
      comparison: null,
      notes: [],
    };
    const points = (step: number): DashboardAppend => {
      const p: DashboardAppend['points'] = {};
      for (const [name, v] of seriesPoints(lossAt(step))) p[name] = { x: [step], y: [v] };
      return { dir: '/live', points: p };
    };
    const browser2 = await launch();
    try {
      await forEachVariant(browser2, liveState, 'loss', async (page, label) => {
        console.log(`  the bench's frame loop alone (no messages, 1 s quiet either side): ${(await loopFloor(page)).toFixed(2)} ms main-thread CPU a frame`);
        const live = await appendBench(page, [1, 4], points, 200_000);
        reportAppend(`[${label}] host snapshot (${Object.keys(series).length} series, ${snapshotPoints} points)`, live, liveCharts);
      });
    } finally {
      await browser2.close();
    }
  }

  // Explorer searches over 1,000,000 items (the run-query process's model, in-process).
  if (!want('explorer')) return;
  const items = 1_000_000;
  const levels = 3;
  const codes = new Int32Array(items * levels);
  for (let i = 0; i < codes.length; i++) codes[i] = Math.floor(random() * 256);
  const digits = new Int32Array(items);
  const ids = Array.from({ length: items }, (_, i) => `item${i}`);
  const words = ['graph', 'neural', 'vector', 'quantized', 'residual', 'tokenizer', 'retrieval', 'balanced', 'codebook', 'semantic'];
  const titles = ids.map(() => Array.from({ length: 6 }, () => words[Math.floor(random() * words.length)]).join(' '));
  const index = buildInspectIndex({ ids, codes, digits, levels } as never, titles);
  const model = new ExplorerModel({ dir: '/bench', index, catalog: null, catalogProblem: null });
  // The text index (one lowercased text of ids and titles) is built on the first text search.
  let t0 = performance.now();
  model.search('warmup');
  const build = performance.now() - t0;
  const prefix: number[] = [];
  const kinds = { 'one word': [] as number[], 'two words': [] as number[], 'an id fragment': [] as number[] };
  const cpu = { 'one word': [] as number[], 'two words': [] as number[], 'an id fragment': [] as number[] };
  let hits = 0;
  for (let k = 0; k < 9; k++) {
    t0 = performance.now();
    model.search(`${k * 7}-${k * 3}`);
    prefix.push(performance.now() - t0);
    const queries: [keyof typeof kinds, string][] = [
      ['one word', words[k]],
      ['two words', `${words[k]} ${words[(k + 3) % 10]}`],
      ['an id fragment', `item${31_337 + k * 1000}`],
    ];
    for (const [kind, q] of queries) {
      const c0 = process.cpuUsage();
      t0 = performance.now();
      hits += model.search(q).total;
      kinds[kind].push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[kind].push((c.user + c.system) / 1000);
    }
  }
  report('explorer prefix search, 1M items (query process)', median(prefix), 50);
  for (const [kind, times] of Object.entries(kinds)) {
    report(`explorer text search, 1M items (query process), ${kind}`, median(times), 200);
    console.log(`  its CPU time (this process, user + system): ${median(cpu[kind as keyof typeof cpu]).toFixed(1)} ms: what the search costs without the other jobs on the machine`);
  }
  console.log(`  (${(hits / 27).toFixed(0)} matches per text search on average; text index built once in ${build.toFixed(0)} ms, on the first text search)`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
