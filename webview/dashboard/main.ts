/**
 * Training Dashboard webview: receives the full state after `ready`, then patches
 * (src/protocol/dashboard.ts), and renders it with small view functions. Later chart
 * panels add views next to these.
 */
import type { DashboardState, DashboardToHost, HostToDashboard } from '../../src/protocol';
import { h } from './dom';
import { header } from './views/header';
import { levelTable } from './views/levelTable';
import { lossTable } from './views/lossTable';
import { summaryTable } from './views/summaryTable';

interface VsCodeApi {
  postMessage(message: DashboardToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
let state: DashboardState = { run: null, message: 'Loading…' };

const actions = {
  pickRun: () => vscode.postMessage({ kind: 'pickRun' }),
  openRunFolder: () => vscode.postMessage({ kind: 'openRunFolder' }),
};

function render(): void {
  const run = state.run;
  if (!run) {
    const pick = h('button', { type: 'button' }, 'Choose run…');
    pick.addEventListener('click', actions.pickRun);
    app.replaceChildren(h('p', { class: 'placeholder' }, state.message ?? 'No run.'), pick);
  } else {
    app.replaceChildren(
      header(run, actions),
      h('div', { class: 'cards' }, levelTable(run), lossTable(run.losses), run.summary ? summaryTable(run.summary) : null),
    );
    if (state.message) app.append(h('p', { class: 'placeholder' }, state.message));
  }
  vscode.postMessage({
    kind: 'rendered',
    dir: run?.dir ?? null,
    status: run ? (run.live ? 'running' : (run.summary?.status ?? null)) : null,
    step: run ? (run.progress?.step ?? run.summary?.steps ?? null) : null,
  });
}

window.addEventListener('message', (e: MessageEvent<HostToDashboard>) => {
  const message = e.data;
  if (message.kind === 'state') state = message.state;
  else if (message.kind === 'patch' && state.run?.dir === message.dir) state = { ...state, run: { ...state.run, ...message.patch } };
  else return;
  render();
});

vscode.postMessage({ kind: 'ready' });
