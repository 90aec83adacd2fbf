/** Run name, status badge, backend, progress and the run-level actions. */
import type { DashboardRunState } from '../../../src/protocol';
import { h } from '../dom';

export interface HeaderActions {
  pickRun(): void;
  openRunFolder(): void;
}

export function header(run: DashboardRunState, actions: HeaderActions): HTMLElement {
  const s = run.summary;
  const status = run.live ? 'running' : (s?.status ?? 'unknown');
  const title = s ? `${s.experiment}${s.variant ? ` · ${s.variant}` : ''}` : 'Run';
  const progress = run.progress;
  const step = progress?.step ?? s?.steps ?? 0;
  const total = progress?.total_steps ?? null;
  const pick = h('button', { type: 'button', class: 'secondary' }, 'Choose run…');
  pick.addEventListener('click', actions.pickRun);
  const folder = h('button', { type: 'button', class: 'secondary' }, 'Reveal folder');
  folder.addEventListener('click', actions.openRunFolder);
  const bar = total ? h('progress', { max: String(total), value: String(step) }) : null;
  return h(
    'header',
    { class: 'run-header' },
    h('div', { class: 'title-row' }, h('h1', {}, title), h('span', { class: `badge status-${status}`, 'data-status': status }, status), h('span', { class: 'spacer' }), pick, folder),
    h(
      'div',
      { class: 'meta' },
      h('span', {}, s ? s.run_id : run.dir),
      h('span', {}, `backend ${run.backend ?? s?.backend ?? '–'}`),
      h('span', { class: 'step' }, total ? `step ${step}/${total}` : `step ${step}`),
      progress ? h('span', {}, `epoch ${progress.epoch + 1}/${progress.epochs}`) : null,
      s?.error ? h('span', { class: 'error' }, s.error) : null,
    ),
    bar,
  );
}
