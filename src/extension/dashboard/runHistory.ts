/**
 * Everything the dashboard draws of one run, folded from its events at full
 * resolution: every curve point, every usage snapshot, every dead-code event and the
 * pairs event. `add` returns what is new (the live append); `curves` gives the
 * downsampled snapshot. Events seen twice (from the engine and from metrics.jsonl)
 * are dropped by (type, step, time). No vscode import.
 */
import type { DashboardAppend, DeadCodesEvent, EngineEvent, PairsEvent, RunStartedEvent, SeriesData } from '../../protocol';
import { seriesPoints } from '../../protocol';
import { downsampleMinMax } from './downsample';

/** Buckets per series in a snapshot: four points each, enough for a wide chart. */
export const SNAPSHOT_BUCKETS = 1000;

interface Growable {
  x: number[];
  y: number[];
}

export class RunHistory {
  readonly series = new Map<string, Growable>();
  readonly usage: { epoch: number; step: number; counts: number[][] }[] = [];
  readonly deadCodes: DeadCodesEvent[] = [];
  pairs: PairsEvent | null = null;
  started: RunStartedEvent | null = null;
  private readonly seen = new Set<string>();
  private points = 0;

  constructor(readonly dir: string) {}

  get pointCount(): number {
    return this.points;
  }

  /** Folds `events` in; returns the new data (null when nothing new). */
  add(events: readonly EngineEvent[]): DashboardAppend | null {
    const append: DashboardAppend = { dir: this.dir, points: {} };
    let changed = false;
    for (const event of events) {
      const key = `${event.type}|${event.step}|${event.time}|${event.type === 'dead_codes' ? event.level : ''}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      if (event.type === 'run_started') this.started = event;
      else if (event.type === 'pairs') this.pairs = event;
      else if (event.type === 'dead_codes') {
        this.deadCodes.push(event);
        (append.deadCodes ??= []).push(event);
        changed = true;
      } else if (event.type === 'usage_snapshot') {
        const snapshot = { epoch: event.epoch, step: event.step, counts: event.counts };
        this.usage.push(snapshot);
        append.usage = snapshot;
        changed = true;
      }
      for (const [name, value] of seriesPoints(event)) {
        let s = this.series.get(name);
        if (!s) this.series.set(name, (s = { x: [], y: [] }));
        // A resumed run repeats steps after its checkpoint: keep the step axis monotone.
        if (s.x.length > 0 && event.step <= s.x[s.x.length - 1]) continue;
        s.x.push(event.step);
        s.y.push(value);
        this.points++;
        const a = (append.points[name] ??= { x: [], y: [] });
        a.x.push(event.step);
        a.y.push(value);
        changed = true;
      }
    }
    return changed ? append : null;
  }

  /** Every series, downsampled to at most ~4 x `buckets` points. */
  curves(buckets = SNAPSHOT_BUCKETS): Record<string, SeriesData> {
    const out: Record<string, SeriesData> = {};
    for (const [name, s] of this.series) out[name] = downsampleMinMax(s.x, s.y, buckets);
    return out;
  }
}
