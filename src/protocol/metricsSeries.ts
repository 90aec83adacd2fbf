/**
 * One consistent series from `metrics.jsonl` after resumes. The file is append-only, so
 * a process that died after its last checkpoint leaves events for steps that the
 * resumed process trains again. A resume announces itself with a `run_started` event
 * whose `resumed_from_step` is the checkpoint's step: every earlier event with a later
 * step was superseded and is dropped. Every reader (the CLI, the extension's metrics
 * tail) goes through here, so they all see the same series. Pure: no Node import.
 */
import { parseEngineEvent, type EngineEvent } from './events';

/** The step a resume continues from, when `event` announces one. */
export function resumedFrom(event: EngineEvent): number | null {
  return event.type === 'run_started' && event.resumed_from_step !== null ? event.resumed_from_step : null;
}

/** Appends `fresh` to `series` (in place), dropping what each resume in it supersedes; returns whether anything was dropped. */
export function appendToSeries(series: EngineEvent[], fresh: readonly EngineEvent[]): boolean {
  let dropped = false;
  for (const event of fresh) {
    const from = resumedFrom(event);
    if (from !== null) {
      const before = series.length;
      let kept = 0;
      for (const e of series) if (e.step <= from) series[kept++] = e;
      series.length = kept;
      dropped ||= kept < before;
    }
    series.push(event);
  }
  return dropped;
}

/** The events of a run in order, without those superseded by a resume. */
export function consistentSeries(events: readonly EngineEvent[]): EngineEvent[] {
  const series: EngineEvent[] = [];
  appendToSeries(series, events);
  return series;
}

/** The text of a whole metrics.jsonl as one consistent series (blank lines and lines that are not events are skipped). */
export function metricsSeriesOf(text: string): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (const line of text.split('\n')) {
    const event = line.trim() === '' ? null : parseEngineEvent(line);
    if (event !== null) events.push(event);
  }
  return consistentSeries(events);
}
