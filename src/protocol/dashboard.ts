import type { DeadCodesEvent, DiagnosticsEvent, LossesEvent, PairsEvent, ProgressEvent } from './events';
import type { RunSummary } from './summary';

/**
 * Messages between the extension host and the Training Dashboard webview
 * (webview/dashboard). The webview posts `ready`; the host answers with a full
 * `state` (a snapshot: latest numbers, downsampled curves, codebook usage, dead-code
 * events, pairs, the sweep's comparison), then sends `patch` (latest numbers) and
 * `append` (new curve points, usage snapshots, dead-code events) as events arrive.
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

/**
 * One curve: x = step, y = value. Long series arrive downsampled: per bucket of
 * steps the first, min, max and last points in step order, so spikes survive.
 */
export interface SeriesData {
  x: number[];
  y: number[];
}

/** The curves of one run, keyed by series name (see SERIES in src/protocol/series.ts). */
export interface RunCurves {
  dir: string;
  /** `experiment · variant · seed` or the run id: what the legend shows. */
  label: string;
  /** Index into the palette: stable for a run directory while the panel lives. */
  color: number;
  status: string;
  series: Record<string, SeriesData>;
  /** Points the host had before downsampling (all series together). */
  rawPoints: number;
}

/** Codebook usage of the focused run: per level the item count per code. */
export interface CodebookUsage {
  /** Per level, the count of items per code (length K_l). */
  counts: number[][];
  /** Where `counts` comes from. */
  source: 'snapshot' | 'summary' | 'ids';
  /** Step and epoch of the snapshot; null for the summary / IDs. */
  step: number | null;
  epoch: number | null;
  /** Every usage snapshot in epoch order (the over-time view); empty when the run has none. */
  history: { epoch: number; step: number; counts: number[][] }[];
  /** Items in the catalog (the share's denominator). */
  items: number;
}

/** A kept or rejected pair with its items' titles. */
export interface PairExample {
  a: string;
  b: string;
  aTitle: string | null;
  bTitle: string | null;
  /** Co-occurrence count. */
  count: number;
  score: number;
}

export interface PairStats {
  event: Omit<PairsEvent, 'type' | 'time' | 'step'>;
  /** Highest-scoring kept pairs, then the lowest kept (just above the threshold). */
  strongest: PairExample[];
  weakest: PairExample[];
}

/** A sweep's comparison.json, as the table shows it. */
export interface ComparisonView {
  experiment: string;
  file: string;
  variants: ComparisonVariant[];
}

export interface ComparisonVariant {
  variant: string;
  runs: string[];
  seeds: number;
  failed: number;
  /** Scalar fields as mean / std / n; per-level fields as one entry per level (`usage[0]`...). */
  metrics: Record<string, { mean: number; std: number | null; n: number }>;
}

export interface DashboardState {
  run: DashboardRunState | null;
  /** Shown instead of a run (no run yet, run directory gone...). */
  message: string | null;
  /** The focused run first, then the runs overlaid on it. */
  curves: RunCurves[];
  codebook: CodebookUsage | null;
  deadCodes: DeadCodesEvent[];
  pairs: PairStats | null;
  comparison: ComparisonView | null;
  /** What could not be shown and why (a half-written last line, no usage snapshots...). */
  notes: string[];
}

/** A part of DashboardRunState that changed; fields absent are unchanged. */
export type DashboardRunPatch = Partial<Omit<DashboardRunState, 'dir'>>;

/** New data for a run already shown. */
export interface DashboardAppend {
  dir: string;
  /** New points per series, in step order. */
  points: Record<string, SeriesData>;
  /** A new usage snapshot (focused run only). */
  usage?: { epoch: number; step: number; counts: number[][] };
  deadCodes?: DeadCodesEvent[];
}

/** Titles of the items under one heatmap cell (answer to `cellItems`). */
export interface CellItems {
  requestId: number;
  level: number;
  code: number;
  count: number;
  titles: string[];
  /** Why there are no titles (IDs not written yet, catalog unreadable). */
  note: string | null;
}

/** Host -> webview. */
export type HostToDashboard =
  | { kind: 'state'; state: DashboardState }
  | { kind: 'patch'; dir: string; patch: DashboardRunPatch }
  | { kind: 'append'; append: DashboardAppend }
  | { kind: 'cellItems'; items: CellItems };

/** What the webview keeps with setState: restored after hiding and a window reload. */
export interface DashboardViewState {
  /** The focused run, then overlaid runs. */
  runs: string[];
  tab: string;
  smoothing: number;
  logY: boolean;
  level: number;
}

/** Webview -> host. */
export type DashboardToHost =
  | { kind: 'ready'; view: DashboardViewState | null }
  /** The "Choose run…" button. */
  | { kind: 'pickRun' }
  /** "Overlay runs…": add runs to the curves. */
  | { kind: 'pickOverlay' }
  /** Overlay every run of the focused run's sweep (its comparison.json). */
  | { kind: 'overlaySweep' }
  | { kind: 'removeOverlay'; dir: string }
  | { kind: 'openRunFolder' }
  /** Items behind a heatmap cell, for the hover. */
  | { kind: 'cellItems'; requestId: number; level: number; code: number }
  /** A heatmap click: the explorer at that code (level 0: a prefix; deeper: that code at that level). */
  | { kind: 'openExplorer'; level: number; code: number }
  | { kind: 'exportPng'; name: string; dataUrl: string }
  | { kind: 'exportCsv' }
  /** After each render, in test sessions only (ExtensionMode.Test): what is on screen, for the extension tests. */
  | { kind: 'rendered'; dir: string | null; status: string | null; step: number | null; curves: number; points: number; heatmapCells: number };

/** Runtime check of a message from the webview (it crosses a trust boundary). */
export function isDashboardToHost(value: unknown): value is DashboardToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  const nullable = (v: unknown, type: 'string' | 'number'): boolean => v === null || typeof v === type;
  const int = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  switch (m.kind) {
    case 'ready':
      return m.view === null || isViewState(m.view);
    case 'pickRun':
    case 'pickOverlay':
    case 'overlaySweep':
    case 'openRunFolder':
    case 'exportCsv':
      return true;
    case 'removeOverlay':
      return typeof m.dir === 'string';
    case 'cellItems':
      return int(m.requestId) && int(m.level) && int(m.code);
    case 'openExplorer':
      return int(m.level) && int(m.code);
    case 'exportPng':
      return typeof m.name === 'string' && typeof m.dataUrl === 'string' && m.dataUrl.startsWith('data:image/png;base64,');
    case 'rendered':
      return (
        nullable(m.dir, 'string') &&
        nullable(m.status, 'string') &&
        nullable(m.step, 'number') &&
        int(m.curves) &&
        int(m.points) &&
        int(m.heatmapCells)
      );
    default:
      return false;
  }
}

export function isViewState(value: unknown): value is DashboardViewState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Array.isArray(v.runs) &&
    v.runs.every((r) => typeof r === 'string') &&
    typeof v.tab === 'string' &&
    typeof v.smoothing === 'number' &&
    typeof v.logY === 'boolean' &&
    Number.isInteger(v.level)
  );
}
