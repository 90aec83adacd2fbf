import type { DiagnosticsEvent, LossesEvent, ProgressEvent } from './events';
import type { RunSummary } from './summary';

/**
 * Messages between the extension host and the Training Dashboard webview
 * (webview/dashboard). The webview posts `ready`; the host answers with the full
 * state, then sends small patches as the run's events arrive.
 */

/** Where the run's latest numbers came from: its summary and the newest events. */
export interface DashboardRunState {
  /** Absolute run directory. */
  dir: string;
  /** summary.json as last read; null until the engine has written it. */
  summary: RunSummary | null;
  /** Newest `progress` event. */
  progress: ProgressEvent | null;
  /** Newest `losses` event. */
  losses: LossesEvent | null;
  /** Newest `diagnostics` event (per-level usage, perplexity, Gini, dead codes). */
  diagnostics: DiagnosticsEvent | null;
  /** Backend from run_started (the summary has it too once written). */
  backend: string | null;
  /** Whether this extension's engine is training the run right now. */
  live: boolean;
}

export interface DashboardState {
  run: DashboardRunState | null;
  /** Shown instead of a run (no run yet, run directory gone...). */
  message: string | null;
}

/** A part of DashboardRunState that changed; fields absent are unchanged. */
export type DashboardRunPatch = Partial<Omit<DashboardRunState, 'dir'>>;

/** Host -> webview. */
export type HostToDashboard =
  | { kind: 'state'; state: DashboardState }
  | { kind: 'patch'; dir: string; patch: DashboardRunPatch };

/** Webview -> host. */
export type DashboardToHost =
  | { kind: 'ready' }
  /** The "Choose run…" button. */
  | { kind: 'pickRun' }
  | { kind: 'openRunFolder' }
  /** After each render: what is on screen (lets the host, and its tests, confirm delivery). */
  | { kind: 'rendered'; dir: string | null; status: string | null; step: number | null };

/** Runtime check of a message from the webview (it crosses a trust boundary). */
export function isDashboardToHost(value: unknown): value is DashboardToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  const nullable = (v: unknown, type: 'string' | 'number'): boolean => v === null || typeof v === type;
  switch (m.kind) {
    case 'ready':
    case 'pickRun':
    case 'openRunFolder':
      return true;
    case 'rendered':
      return nullable(m.dir, 'string') && nullable(m.status, 'string') && nullable(m.step, 'number');
    default:
      return false;
  }
}
