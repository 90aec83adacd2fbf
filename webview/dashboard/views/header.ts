/** Run name, status badge, backend, progress and the run-level actions. */
import type { DashboardRunState } from '../../../src/protocol';
import { h } from '../dom';

export interface HeaderActions {
  pickRun(): void;
  pickOverlay(): void;
  openRunFolder(): void;
  exportCsv(): void;
}

function button(label: string, onClick: () => void, title: string): HTMLElement {
  const b = h('vscode-button', { secondary: '', title }, label);
  b.addEventListener('click', onClick);
  return b;
}

export function header(run: DashboardRunState, actions: HeaderActions): HTMLElement {
  const s = run.summary;
  const status = run.live ? 'running' : (s?.status ?? 'unknown');
  const title = s ? `${s.experiment}${s.variant ? ` · ${s.variant}` : ''}` : 'Run';
  const progress = run.progress;
  const step = progress?.step ?? s?.steps ?? 0;
  const total = progress?.total_steps ?? null;
  const bar = total ? h('progress', { max: String(total), value: String(step) }) : null;
  return h(
    'header',
    { class: 'run-header' },
    h(
      'div',
      { class: 'title-row' },
      h('h1', {}, title),
      h('span', { class: `badge status-${status}`, 'data-status': status }, status),
      h('span', { class: 'spacer' }),
      button('Choose run…', actions.pickRun, 'Show another run'),
      button('Overlay runs…', actions.pickOverlay, 'Draw other runs on the same curves'),
      button('Export CSV', actions.exportCsv, 'Every curve point of the shown runs, full resolution'),
      button('Reveal folder', actions.openRunFolder, 'The run directory'),
    ),
    h(
      'div',
      { class: 'meta' },
      h('span', {}, s ? s.run_id : run.dir),
      h('span', {}, `backend ${run.backend ?? s?.backend ?? '–'}`),
      h('span', { class: 'step' }, total ? `step ${step}/${total}` : `step ${step}`),
      progress ? h('span', {}, `epoch ${progress.epoch + 1}/${progress.epochs}`) : null,
      progress && run.live ? h('span', {}, `${progress.steps_per_second.toFixed(1)} steps/s · ETA ${Math.round(progress.eta_seconds)} s`) : null,
      s?.error ? h('span', { class: 'error' }, s.error) : null,
    ),
    bar,
  );
}
