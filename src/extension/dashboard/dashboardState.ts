/**
 * The dashboard's state of one run, folded from its summary and events. Only the
 * newest value of each kind is kept, so an event seen twice (from the engine and from
 * metrics.jsonl) or late changes nothing.
 */
import type { DashboardRunPatch, DashboardRunState, EngineEvent, RunSummary } from '../../protocol';

export function emptyRunState(dir: string, summary: RunSummary | null): DashboardRunState {
  return { dir, summary, progress: null, losses: null, diagnostics: null, backend: summary?.backend ?? null, live: false };
}

/** What `event` changes in `state`, or null when it is not newer than what is shown. */
export function patchForEvent(state: DashboardRunState, event: EngineEvent): DashboardRunPatch | null {
  switch (event.type) {
    case 'run_started': {
      // A resume supersedes what the previous process showed after its checkpoint.
      const from = event.resumed_from_step;
      const patch: DashboardRunPatch = {};
      if (state.backend !== event.backend) patch.backend = event.backend;
      if (from !== null) {
        if (state.progress && state.progress.step > from) patch.progress = null;
        if (state.losses && state.losses.step > from) patch.losses = null;
        if (state.diagnostics && state.diagnostics.step > from) patch.diagnostics = null;
      }
      return Object.keys(patch).length > 0 ? patch : null;
    }
    case 'progress':
      return newer(state.progress, event) ? { progress: event } : null;
    case 'losses':
      return newer(state.losses, event) ? { losses: event } : null;
    case 'diagnostics':
      return newer(state.diagnostics, event) ? { diagnostics: event } : null;
    default:
      return null;
  }
}

export function applyPatch(state: DashboardRunState, patch: DashboardRunPatch): DashboardRunState {
  return { ...state, ...patch };
}

function newer(current: { step: number; time: string } | null, event: { step: number; time: string }): boolean {
  if (!current) return true;
  return event.step > current.step || (event.step === current.step && event.time > current.time);
}
