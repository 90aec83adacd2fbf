/**
 * `npm run bench:webview`: the speed targets, measured in Debian's Chromium
 * on synthetic data of the target sizes (seeded), with the real bundles:
 *   - a 4 x 4096 codebook heatmap renders (target <= 50 ms),
 *   - one live append (a losses event's points) costs (target <= 2 ms, measured as the
 *     message handling plus the next frame's redraw of the charts, amortised),
 *   - 4 curves of 100k points redraw on a zoom (target <= 16 ms),
 * and, in Node (the explorer's searches run in the extension host, over a 1,000,000
 * item index): a prefix search (target <= 50 ms) and a text search (target <= 200 ms).
 * Prints medians, the ratio to each target and the load average; asserts nothing.
 */
import { loadavg } from 'node:os';
import { ExplorerModel } from '../src/engine/query/explorerModel';
import { buildInspectIndex } from '../src/engine/diagnostics/inspect';
import type { DashboardState, RunCurves } from '../src/protocol';
import { ensureBundles, launch, openWebview } from '../test/support/webviewHarness';

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

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(name: string, ms: number, target: number): void {
  console.log(`${name.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms   target ${String(target).padStart(4)} ms   ratio ${(ms / target).toFixed(2)}`);
}

async function main(): Promise<void> {
  ensureBundles();
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
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
    const web = await openWebview(browser, 'dashboard', 'dark', async (m, send) => {
      if ((m as { kind: string }).kind === 'ready') await send({ kind: 'state', state });
    });
    await web.page.locator('[data-chart="codebook"] canvas').first().waitFor();
    await web.page.locator('vscode-tab-header', { hasText: 'Codebooks' }).click();
    await web.page.locator('canvas[data-heatmap="levels"]').waitFor({ state: 'visible' });
    // Heatmap: a click on a level button redraws both heatmaps synchronously (level x code, 4 x 4096, and the empty over-time view).
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
    await web.page.locator('vscode-tab-header', { hasText: 'Curves' }).click();
    await web.page.waitForTimeout(300);
    // Zoom: a drag on the chart with 4 x 100k points; timed from mouseup to the end of uPlot's redraw (it commits in a microtask).
    const zoom = await web.page.evaluate(async () => {
      const over = document.querySelector('[data-chart="codebook"] .u-over') as HTMLElement;
      const r = over.getBoundingClientRect();
      const times: number[] = [];
      for (let k = 0; k < 9; k++) {
        const x0 = r.left + r.width * (0.1 + 0.02 * k);
        const x1 = r.left + r.width * (0.6 + 0.02 * k);
        const y = r.top + r.height / 2;
        over.dispatchEvent(new MouseEvent('mousedown', { clientX: x0, clientY: y, bubbles: true, button: 0 }));
        document.dispatchEvent(new MouseEvent('mousemove', { clientX: x1, clientY: y, bubbles: true }));
        const t = performance.now();
        document.dispatchEvent(new MouseEvent('mouseup', { clientX: x1, clientY: y, bubbles: true, button: 0 }));
        await Promise.resolve();
        await Promise.resolve();
        times.push(performance.now() - t);
        over.dispatchEvent(new MouseEvent('dblclick', { clientX: x1, clientY: y, bubbles: true }));
        await new Promise((res) => setTimeout(res, 0));
      }
      return times;
    });
    report('4 curves x 100k points: redraw on zoom', median(zoom), 16);
    // Append: 200 events of one point per series, each as its own message.
    const appendMs = await web.page.evaluate(async () => {
      const t = performance.now();
      for (let k = 0; k < 200; k++) {
        const step = 100_000 + k;
        window.postMessage({ kind: 'append', append: { dir: '/bench', points: { 'codebook/0': { x: [step], y: [1] }, 'codebook/1': { x: [step], y: [2] }, 'codebook/2': { x: [step], y: [3] }, 'codebook/3': { x: [step], y: [4] } } } }, '*');
        await new Promise((r) => setTimeout(r, 0));
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return (performance.now() - t) / 200;
    });
    report('live append (amortised, incl. redraws)', appendMs, 2);
    await web.close();
  } finally {
    await browser.close();
  }

  // Explorer searches over 1,000,000 items (host side).
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
  const prefix: number[] = [];
  const text: number[] = [];
  for (let k = 0; k < 9; k++) {
    let t = performance.now();
    model.search(`${k * 7}-${k * 3}`);
    prefix.push(performance.now() - t);
    t = performance.now();
    model.search(k === 0 ? 'warmup' : `${words[k]} ${words[(k + 3) % 10]}`);
    text.push(performance.now() - t);
  }
  report('explorer prefix search, 1M items (host)', median(prefix), 50);
  report('explorer text search, 1M items (host)', median(text.slice(1)), 200);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
