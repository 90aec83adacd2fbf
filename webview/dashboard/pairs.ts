/**
 * The collaborative term's pairs made visible: the candidates' score histogram with
 * the threshold line, candidates vs kept, and the strongest and weakest kept pairs
 * with their items' titles (as text).
 */
import type { PairExample, PairStats } from '../../src/protocol';
import { fmt, h } from './dom';
import { runColor, themeVar } from './theme';

export function pairsView(stats: PairStats | null): HTMLElement {
  if (!stats) return h('p', { class: 'placeholder' }, 'This run has no collaborative term (collab.weight 0), so no pairs were mined.');
  const e = stats.event;
  const keptShare = e.candidates > 0 ? e.kept / e.candidates : 0;
  const canvas = h('canvas', { class: 'histogram', 'data-histogram': '' });
  requestAnimationFrame(() => drawHistogram(canvas, e.histogram, e.threshold));
  new ResizeObserver(() => drawHistogram(canvas, e.histogram, e.threshold)).observe(canvas);
  const keptFill = h('div', { class: 'bar-fill' });
  keptFill.style.width = `${(100 * keptShare).toFixed(1)}%`;
  keptFill.style.background = runColor(2);
  return h(
    'div',
    { class: 'pairs-view' },
    h(
      'section',
      { class: 'card' },
      h('h3', {}, `Candidate pair scores `, h('span', { class: 'caption' }, `criterion ${e.criterion}${e.threshold !== null ? `, threshold ${fmt(e.threshold)}` : ', no threshold'}`)),
      canvas,
      h(
        'div',
        { class: 'pair-counts' },
        h('span', {}, `${e.contexts.toLocaleString()} contexts`),
        h('span', {}, `${e.candidates.toLocaleString()} candidate pairs`),
        h('span', {}, h('b', {}, e.kept.toLocaleString()), ` kept (${(100 * keptShare).toFixed(1)}%)`),
      ),
      h('div', { class: 'bar kept-bar' }, keptFill),
    ),
    h('section', { class: 'card' }, h('h3', {}, 'Strongest kept pairs'), pairTable(stats.strongest)),
    h(
      'section',
      { class: 'card' },
      h('h3', {}, 'Weakest kept pairs ', h('span', { class: 'caption' }, 'just above the threshold')),
      pairTable(stats.weakest),
      h('p', { class: 'caption' }, 'Rejected pairs are counted in the histogram but not stored in the run directory (pairs.tsv holds the kept ones).'),
    ),
  );
}

function pairTable(pairs: PairExample[]): HTMLElement {
  if (pairs.length === 0) return h('p', { class: 'placeholder' }, 'pairs.tsv is not in the run directory.');
  return h(
    'table',
    { class: 'grid pairs' },
    h('thead', {}, h('tr', {}, ['score', 'together', 'item A', 'item B'].map((c) => h('th', {}, c)))),
    h(
      'tbody',
      {},
      pairs.map((p) =>
        h('tr', {}, h('td', { class: 'num' }, fmt(p.score, 3)), h('td', { class: 'num' }, String(p.count)), h('td', { title: p.a }, p.aTitle ?? p.a), h('td', { title: p.b }, p.bTitle ?? p.b)),
      ),
    ),
  );
}

function drawHistogram(canvas: HTMLCanvasElement, hist: { edges: number[]; counts: number[] }, threshold: number | null): void {
  const width = Math.max(240, canvas.parentElement?.clientWidth ?? 480) - 4;
  const height = 180;
  const dpr = devicePixelRatio || 1;
  canvas.width = width * dpr;
  canvas.height = height * dpr;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const left = 48;
  const bottom = 22;
  const plotW = width - left - 8;
  const plotH = height - bottom - 8;
  const lo = hist.edges[0];
  const hi = hist.edges[hist.edges.length - 1];
  const maxCount = Math.max(1, ...hist.counts);
  const x = (v: number): number => left + ((v - lo) / (hi - lo || 1)) * plotW;
  // Log counts: a few strong pairs stay visible next to thousands of weak ones.
  const y = (c: number): number => 8 + plotH - (Math.log1p(c) / Math.log1p(maxCount)) * plotH;
  const fg = themeVar('--vscode-descriptionForeground', '#888');
  hist.counts.forEach((c, i) => {
    const x0 = x(hist.edges[i]);
    const x1 = x(hist.edges[i + 1]);
    const kept = threshold === null || hist.edges[i] >= threshold;
    ctx.fillStyle = kept ? runColor(0) : themeVar('--vscode-disabledForeground', '#999');
    ctx.fillRect(x0 + 0.5, y(c), Math.max(1, x1 - x0 - 1), 8 + plotH - y(c));
  });
  ctx.fillStyle = fg;
  ctx.font = `11px ${themeVar('--vscode-font-family', 'sans-serif')}`;
  ctx.textBaseline = 'top';
  ctx.fillText(fmt(lo, 3), left, height - bottom + 6);
  const hiText = fmt(hi, 3);
  ctx.fillText(hiText, left + plotW - ctx.measureText(hiText).width, height - bottom + 6);
  ctx.textBaseline = 'middle';
  ctx.fillText(String(maxCount), 2, 10);
  ctx.fillText('0', 2, 8 + plotH);
  if (threshold !== null && threshold >= lo && threshold <= hi) {
    const tx = x(threshold);
    ctx.strokeStyle = themeVar('--vscode-errorForeground', '#f14c4c');
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(tx, 4);
    ctx.lineTo(tx, 8 + plotH);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = themeVar('--vscode-errorForeground', '#f14c4c');
    ctx.textBaseline = 'top';
    ctx.fillText(`threshold ${fmt(threshold, 3)}`, Math.min(tx + 4, width - 110), 6);
  }
}
