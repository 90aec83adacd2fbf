/**
 * Training Dashboard webview: posts `ready` (with its saved view state), receives a
 * snapshot, then patches (latest numbers) and appends (curve points, usage snapshots,
 * dead-code events), see src/protocol/dashboard.ts. The DOM is built once; each view
 * updates in place, so live appends never rebuild charts. View state (tab, smoothing,
 * log axis, level, runs) survives hiding and reloads through setState.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import type { DashboardState, DashboardToHost, DashboardViewState, HostToDashboard } from '../../src/protocol';
import { ComparisonTable } from './comparison';
import { CurvesView } from './curves';
import { deadCodesView } from './deadCodes';
import { h } from './dom';
import { HeatmapView } from './heatmap';
import { pairsView } from './pairs';
import { onThemeChange, runColor } from './theme';
import { header } from './views/header';
import { levelTable } from './views/levelTable';
import { lossTable } from './views/lossTable';
import { summaryTable } from './views/summaryTable';

interface VsCodeApi {
  postMessage(message: DashboardToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const TABS = ['curves', 'codebooks', 'dead', 'pairs', 'comparison', 'summary'] as const;
const saved = (vscode.getState() as { view?: DashboardViewState } | undefined)?.view ?? null;
const view: DashboardViewState = saved ?? { runs: [], tab: 'curves', smoothing: 0.6, logY: false, level: 0 };
let state: DashboardState = { run: null, message: 'Loading…', curves: [], codebook: null, deadCodes: [], pairs: null, comparison: null, notes: [] };
let requestId = 0;

const post = (m: DashboardToHost): void => vscode.postMessage(m);
/** The host marks test sessions (ExtensionMode.Test): only they get `rendered` reports. */
const testSession = document.body.dataset.testSession === 'true';
const saveView = (): void => vscode.setState({ view });

const app = document.getElementById('app') as HTMLElement;
const headerBox = h('div', { class: 'header-box' });
const notesBox = h('div', { class: 'notes' });
const chips = h('div', { class: 'run-chips' });

const curves = new CurvesView({ smoothing: view.smoothing, logY: view.logY }, (name, dataUrl) => post({ kind: 'exportPng', name, dataUrl }));
const heatmap = new HeatmapView(
  {
    requestItems: (level, code) => {
      post({ kind: 'cellItems', requestId: ++requestId, level, code });
      return requestId;
    },
    openExplorer: (level, code) => post({ kind: 'openExplorer', level, code }),
  },
  view.level,
  (level) => {
    view.level = level;
    saveView();
  },
);
const comparison = new ComparisonTable({ overlaySweep: () => post({ kind: 'overlaySweep' }) });
const deadBox = h('div', {});
const pairsBox = h('div', {});
const summaryBox = h('div', { class: 'cards' });

// Curves toolbar: smoothing, log axis.
const smoothingInput = h('input', { type: 'range', min: '0', max: '0.99', step: '0.01', value: String(view.smoothing), id: 'smoothing' });
const smoothingValue = h('span', { class: 'num' }, view.smoothing.toFixed(2));
const logCheckbox = h('vscode-checkbox', view.logY ? { checked: '' } : {}, 'Log y-axis');
smoothingInput.addEventListener('input', () => {
  view.smoothing = Number(smoothingInput.value);
  smoothingValue.textContent = view.smoothing.toFixed(2);
  curves.setOptions({ smoothing: view.smoothing, logY: view.logY });
  saveView();
});
logCheckbox.addEventListener('change', () => {
  view.logY = (logCheckbox as unknown as { checked: boolean }).checked;
  curves.setOptions({ smoothing: view.smoothing, logY: view.logY });
  saveView();
});
const toolbar = h(
  'div',
  { class: 'toolbar' },
  h('label', { class: 'smoothing' }, 'Smoothing ', smoothingInput, smoothingValue),
  logCheckbox,
  h('span', { class: 'hint' }, 'drag to zoom · double-click to reset'),
);

const tabHeaders = ['Curves', 'Codebooks', 'Dead codes', 'Pairs', 'Comparison', 'Summary'].map((label, i) => h('vscode-tab-header', { slot: 'header', 'data-tab': TABS[i] }, label));
const tabs = h(
  'vscode-tabs',
  { 'selected-index': String(Math.max(0, TABS.indexOf(view.tab as (typeof TABS)[number]))) },
  ...tabHeaders,
  h('vscode-tab-panel', {}, toolbar, chips, curves.element),
  h('vscode-tab-panel', {}, heatmap.element),
  h('vscode-tab-panel', {}, deadBox),
  h('vscode-tab-panel', {}, pairsBox),
  h('vscode-tab-panel', {}, comparison.element),
  h('vscode-tab-panel', {}, summaryBox),
);
tabs.addEventListener('vsc-tabs-select', (e) => {
  view.tab = TABS[(e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex] ?? 'curves';
  saveView();
});
const body = h('div', { class: 'body' }, tabs);

const actions = {
  pickRun: () => post({ kind: 'pickRun' }),
  pickOverlay: () => post({ kind: 'pickOverlay' }),
  openRunFolder: () => post({ kind: 'openRunFolder' }),
  exportCsv: () => post({ kind: 'exportCsv' }),
};

function renderHeader(): void {
  const run = state.run;
  if (!run) {
    const pick = h('vscode-button', {}, 'Choose run…');
    pick.addEventListener('click', actions.pickRun);
    headerBox.replaceChildren(h('p', { class: 'placeholder' }, state.message ?? 'No run.'), pick);
    body.hidden = true;
    return;
  }
  body.hidden = false;
  headerBox.replaceChildren(header(run, actions));
  tabHeaders[2].textContent = `Dead codes (${state.deadCodes.length})`;
}

function renderNotes(): void {
  notesBox.replaceChildren(...state.notes.map((n) => h('div', { class: 'note' }, n)));
}

function renderChips(): void {
  chips.replaceChildren(
    ...state.curves.map((c, i) => {
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = runColor(c.color);
      const chip = h('span', { class: 'chip', title: c.dir }, swatch, c.label, h('span', { class: 'chip-status' }, c.status));
      if (i > 0) {
        const remove = h('button', { type: 'button', class: 'chip-remove', title: 'Remove from the curves' }, '×');
        remove.addEventListener('click', () => post({ kind: 'removeOverlay', dir: c.dir }));
        chip.append(remove);
      }
      return chip;
    }),
  );
  if (state.comparison && state.curves.length === 1) {
    const sweep = h('vscode-button', { secondary: '' }, `Overlay the sweep's ${state.comparison.variants.reduce((n, v) => n + v.runs.length, 0)} runs`);
    sweep.addEventListener('click', () => post({ kind: 'overlaySweep' }));
    chips.append(sweep);
  }
}

function renderLatest(): void {
  const run = state.run;
  deadBox.replaceChildren(deadCodesView(state.deadCodes, run?.diagnostics ?? null, run?.summary?.codebook_size ?? []));
  summaryBox.replaceChildren(...[run ? levelTable(run) : null, run ? lossTable(run.losses) : null, run?.summary ? summaryTable(run.summary) : null].filter((x): x is HTMLElement => x !== null));
}

function reportRendered(): void {
  if (!testSession) return;
  const run = state.run;
  const stats = curves.stats;
  post({
    kind: 'rendered',
    dir: run?.dir ?? null,
    status: run ? (run.live ? 'running' : (run.summary?.status ?? null)) : null,
    step: run ? (run.progress?.step ?? run.summary?.steps ?? null) : null,
    curves: stats.charts,
    points: stats.points,
    heatmapCells: heatmap.cells,
  });
}

/** One report per frame however many appends arrive (each report walks every chart). */
let reportFrame = 0;
function reportNextFrame(): void {
  if (reportFrame) return;
  reportFrame = requestAnimationFrame(() => {
    reportFrame = 0;
    reportRendered();
  });
}

function renderAll(): void {
  renderHeader();
  renderNotes();
  renderChips();
  curves.setCurves(state.curves);
  heatmap.set(state.codebook, state.deadCodes);
  pairsBox.replaceChildren(pairsView(state.pairs));
  comparison.set(state.comparison);
  renderLatest();
  view.runs = state.curves.map((c) => c.dir);
  saveView();
  reportRendered();
}

app.replaceChildren(headerBox, notesBox, body);

window.addEventListener('message', (e: MessageEvent<HostToDashboard>) => {
  const message = e.data;
  switch (message.kind) {
    case 'state':
      state = message.state;
      renderAll();
      break;
    case 'patch':
      if (state.run?.dir !== message.dir) return;
      state = { ...state, run: { ...state.run, ...message.patch } };
      renderHeader();
      renderLatest();
      reportRendered();
      break;
    case 'append': {
      const a = message.append;
      const run = state.curves.find((c) => c.dir === a.dir);
      if (!run) return;
      for (const [name, points] of Object.entries(a.points)) {
        const s = (run.series[name] ??= { x: [], y: [] });
        s.x.push(...points.x);
        s.y.push(...points.y);
      }
      curves.append(a.dir, a.points);
      if (a.dir === state.run?.dir && (a.usage || a.deadCodes)) {
        if (a.deadCodes) state.deadCodes = [...state.deadCodes, ...a.deadCodes];
        if (a.usage) {
          const history = [...(state.codebook?.history ?? []), a.usage];
          state.codebook = {
            counts: a.usage.counts,
            source: 'snapshot',
            step: a.usage.step,
            epoch: a.usage.epoch,
            history,
            items: state.codebook?.items ?? a.usage.counts[0].reduce((x, y) => x + y, 0),
          };
        }
        heatmap.set(state.codebook, state.deadCodes);
        renderHeader();
        renderLatest();
      }
      reportNextFrame();
      break;
    }
    case 'cellItems':
      heatmap.showItems(message.items);
      break;
  }
});

onThemeChange(() => {
  curves.rebuild();
  heatmap.set(state.codebook, state.deadCodes);
  pairsBox.replaceChildren(pairsView(state.pairs));
});

post({ kind: 'ready', view: saved });
