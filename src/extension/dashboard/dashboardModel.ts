/**
 * The dashboard's state across the runs it shows: the focused run (latest numbers,
 * curves, codebook usage, dead codes, pairs, its sweep's comparison) and the runs
 * overlaid on its curves. Loading builds the snapshot the webview gets after
 * `ready`; `receive` turns new events into a patch and an append. No vscode import,
 * so the Chromium tests drive the same code against fixture run directories.
 */
import * as path from 'node:path';
import type {
  CellItems,
  CodebookUsage,
  DashboardAppend,
  DashboardRunPatch,
  DashboardRunState,
  DashboardState,
  EngineEvent,
  PairStats,
  RunCurves,
  RunQuerier,
  RunSummary,
} from '../../protocol';
import { applyPatch, emptyRunState, patchForEvent } from './dashboardState';
import { RunHistory } from './runHistory';
import { pairExamples, partialLastLine, readComparison } from './runFiles';

/** How the model reads runs: the RunStore in the extension, plain files in tests. */
export interface RunSource {
  summary(dir: string): Promise<RunSummary | null>;
  events(dir: string): Promise<EngineEvent[]>;
  isLive(dir: string): boolean;
  /** Catalog titles and the final IDs: the engine's run-query process (in-process in tests). */
  queries: RunQuerier;
}

export const PALETTE_SIZE = 10;

export class DashboardModel {
  private focus: RunHistory | null = null;
  private overlays: RunHistory[] = [];
  private run: DashboardRunState | null = null;
  private message: string | null = 'No run selected.';
  private codebook: CodebookUsage | null = null;
  private pairs: PairStats | null = null;
  private comparison: DashboardState['comparison'] = null;
  private notes: string[] = [];
  private readonly summaries = new Map<string, RunSummary | null>();
  /** Stable colour per run directory while the panel lives. */
  private readonly colors = new Map<string, number>();

  constructor(private readonly source: RunSource) {}

  get dirs(): string[] {
    return [this.focus, ...this.overlays].filter((h): h is RunHistory => h !== null).map((h) => h.dir);
  }

  get focusedDir(): string | null {
    return this.focus?.dir ?? null;
  }

  get comparisonRuns(): string[] {
    return this.comparison?.variants.flatMap((v) => v.runs) ?? [];
  }

  /** Shows a message instead of a run. */
  clear(message: string): DashboardState {
    this.focus = null;
    this.overlays = [];
    this.run = null;
    this.codebook = null;
    this.pairs = null;
    this.comparison = null;
    this.notes = [];
    this.message = message;
    return this.state();
  }

  /** Loads `dirs[0]` as the focused run and the rest as overlays. */
  async load(dirs: readonly string[]): Promise<DashboardState> {
    const [first, ...rest] = dirs.map((d) => path.resolve(d));
    if (first === undefined) return this.clear('No run selected.');
    const summary = await this.source.summary(first);
    const events = await this.source.events(first);
    const history = new RunHistory(first);
    history.add(events);
    let run = emptyRunState(first, summary);
    for (const event of events) {
      const patch = patchForEvent(run, event);
      if (patch) run = applyPatch(run, patch);
    }
    run.live = this.source.isLive(first);
    this.summaries.set(first, summary);
    this.focus = history;
    this.run = run;
    this.message = summary || events.length > 0 || run.live ? null : `No run found at ${first} yet.`;
    this.notes = [];
    const partial = run.live ? null : await partialLastLine(first);
    if (partial) {
      this.notes.push(
        `metrics.jsonl ends in a half-written line (line ${partial.line}, ${partial.bytes} bytes; the run was stopped while writing it): ` +
          `showing the ${events.length} events before it.`,
      );
    }
    if (summary?.status === 'running' && !run.live) {
      this.notes.push('summary.json still says "running" but no engine of this window trains it: the run may have been killed, or runs elsewhere.');
    }
    this.codebook = await this.codebookOf(history, summary);
    this.pairs = await this.pairsOf(history);
    this.comparison = await readComparison(first);
    this.overlays = [];
    for (const dir of rest) if (dir !== first && !this.overlays.some((o) => o.dir === dir)) this.overlays.push(await this.loadOverlay(dir));
    return this.state();
  }

  /** Adds runs to the curves (the focused run stays). */
  async addOverlays(dirs: readonly string[]): Promise<DashboardState> {
    for (const d of dirs.map((x) => path.resolve(x))) {
      if (d === this.focus?.dir || this.overlays.some((o) => o.dir === d)) continue;
      this.overlays.push(await this.loadOverlay(d));
    }
    return this.state();
  }

  removeOverlay(dir: string): DashboardState {
    this.overlays = this.overlays.filter((o) => o.dir !== dir);
    return this.state();
  }

  private async loadOverlay(dir: string): Promise<RunHistory> {
    const h = new RunHistory(dir);
    h.add(await this.source.events(dir));
    this.summaries.set(dir, await this.source.summary(dir));
    return h;
  }

  /** New events of a shown run: what changed in the latest numbers and the new curve data. */
  receive(dir: string, events: readonly EngineEvent[]): { patch: DashboardRunPatch | null; append: DashboardAppend | null } {
    const history = [this.focus, ...this.overlays].find((h) => h?.dir === dir);
    if (!history) return { patch: null, append: null };
    const append = history.add(events);
    if (append && history !== this.focus) delete append.usage;
    if (append?.usage && this.codebook) {
      this.codebook = { ...this.codebook, counts: append.usage.counts, source: 'snapshot', step: append.usage.step, epoch: append.usage.epoch, history: history.usage };
    } else if (append?.usage && !this.codebook) {
      this.codebook = this.snapshotUsage(history, this.summaries.get(dir) ?? null);
    }
    let patch: DashboardRunPatch | null = null;
    if (history === this.focus && this.run) {
      for (const event of events) {
        const p = patchForEvent(this.run, event);
        if (!p) continue;
        this.run = applyPatch(this.run, p);
        patch = { ...(patch ?? {}), ...p };
      }
    }
    return { patch, append };
  }

  /** Latest-number changes that come from outside the events (summary rewritten, training ended). */
  update(patch: DashboardRunPatch): DashboardRunPatch | null {
    if (!this.run) return null;
    this.run = applyPatch(this.run, patch);
    if (patch.summary !== undefined && this.focus) this.summaries.set(this.focus.dir, patch.summary);
    return patch;
  }

  get runState(): DashboardRunState | null {
    return this.run;
  }

  /** Rereads the codebook from the final IDs (after a run ends). */
  async refreshCodebook(): Promise<void> {
    if (this.focus) this.codebook = await this.codebookOf(this.focus, this.summaries.get(this.focus.dir) ?? null);
  }

  state(): DashboardState {
    return {
      run: this.run,
      message: this.message,
      curves: [this.focus, ...this.overlays].filter((h): h is RunHistory => h !== null).map((h) => this.curvesOf(h)),
      codebook: this.codebook,
      deadCodes: this.focus?.deadCodes.slice() ?? [],
      pairs: this.pairs,
      comparison: this.comparison,
      notes: [...new Set(this.notes)],
    };
  }

  private curvesOf(h: RunHistory): RunCurves {
    let color = this.colors.get(h.dir);
    if (color === undefined) this.colors.set(h.dir, (color = this.colors.size % PALETTE_SIZE));
    const s = this.summaries.get(h.dir) ?? null;
    return {
      dir: h.dir,
      label: runLabel(h, s),
      color,
      status: this.source.isLive(h.dir) ? 'running' : (s?.status ?? 'unknown'),
      series: h.curves(),
      rawPoints: h.pointCount,
    };
  }

  private snapshotUsage(h: RunHistory, summary: RunSummary | null): CodebookUsage | null {
    const last = h.usage[h.usage.length - 1];
    if (!last) return null;
    return {
      counts: last.counts,
      source: 'snapshot',
      step: last.step,
      epoch: last.epoch,
      history: h.usage,
      items: summary?.items ?? h.started?.items ?? last.counts[0].reduce((a, b) => a + b, 0),
    };
  }

  private async codebookOf(h: RunHistory, summary: RunSummary | null): Promise<CodebookUsage | null> {
    const fromSnapshots = this.snapshotUsage(h, summary);
    if (fromSnapshots) return fromSnapshots;
    // No usage_snapshot events (an older engine, or a run stopped in its first epoch): the final IDs, if written.
    const sizes = summary?.codebook_size ?? h.started?.codebook_size;
    const usage = sizes ? await this.source.queries.ask({ kind: 'usage', dir: h.dir, sizes }).catch(() => null) : null;
    if (!usage) {
      this.notes.push('No codebook usage yet: the run has no usage_snapshot events (they come once per epoch) and no semantic_ids.jsonl.');
      return null;
    }
    this.notes.push('This run has no usage_snapshot events, so only the final usage (from semantic_ids.jsonl) is shown and there is no over-time view.');
    return { counts: usage.counts, source: 'ids', step: null, epoch: null, history: [], items: usage.items };
  }

  private async pairsOf(h: RunHistory): Promise<PairStats | null> {
    if (!h.pairs) return null;
    const examples = await pairExamples(h.dir, async (ids) => {
      const answer = await this.source.queries.ask({ kind: 'titles', dir: h.dir, ids }).catch(() => null);
      return new Map(answer?.titles ?? []);
    });
    const { type: _t, time: _time, step: _s, ...event } = h.pairs;
    return { event, strongest: examples?.strongest ?? [], weakest: examples?.weakest ?? [] };
  }

  /** The items behind heatmap cell (level, code) of the focused run: count and a few titles. */
  async cellItems(requestId: number, level: number, code: number, limit = 5): Promise<CellItems> {
    const base = { requestId, level, code };
    const dir = this.focus?.dir;
    if (!dir) return { ...base, count: 0, titles: [], note: 'no run' };
    try {
      return { ...base, ...(await this.source.queries.ask({ kind: 'cell', dir, level, code, limit })) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // A run still training has no semantic_ids.jsonl yet; anything else (a bad file, a dead query process) is said as it is.
      const note = /ENOENT.*semantic_ids\.jsonl/.test(message) ? 'titles come with semantic_ids.jsonl, at the end of the run' : `no titles: ${message}`;
      return { ...base, count: this.codebook?.counts[level]?.[code] ?? 0, titles: [], note };
    }
  }
}

function runLabel(h: RunHistory, s: RunSummary | null): string {
  const experiment = s?.experiment ?? h.started?.experiment ?? path.basename(path.dirname(h.dir));
  const variant = s?.variant ?? h.started?.variant ?? null;
  const seed = s?.seed ?? h.started?.seed;
  return [experiment, variant, seed !== undefined ? `seed ${seed}` : null].filter(Boolean).join(' · ') || path.basename(h.dir);
}
