/**
 * The facts a hover or CodeLens shows about one run, from its summary.json and its
 * metrics.jsonl events. A finished run's summary has the final diagnostics; a running
 * one has only its latest `diagnostics` event. No vscode import.
 */
import type { EngineEvent, LossesEvent, PairsEvent, RunSummary } from '../../protocol';

export interface RunFacts {
  summary: RunSummary;
  /** Per level (empty until the first diagnostics). */
  codebookSize: number[];
  usage: number[];
  perplexity: number[];
  gini: number[];
  deadCodes: number[];
  collisionRate: number | null;
  lastLosses: LossesEvent | undefined;
  pairs: PairsEvent | undefined;
  /** `dead_codes` events with action `reinit`, and the codes they replaced. */
  reinits: { events: number; codes: number };
  /** Latest step seen (events or summary) and the planned total, when known. */
  step: number;
  totalSteps: number | null;
}

export function runFacts(summary: RunSummary, events: readonly EngineEvent[]): RunFacts {
  let lastLosses: LossesEvent | undefined;
  let pairs: PairsEvent | undefined;
  let diagnostics: Extract<EngineEvent, { type: 'diagnostics' }> | undefined;
  let totalSteps: number | null = null;
  let step = summary.steps;
  const reinits = { events: 0, codes: 0 };
  for (const e of events) {
    step = Math.max(step, e.step);
    if (e.type === 'losses') lastLosses = e;
    else if (e.type === 'pairs') pairs = e;
    else if (e.type === 'diagnostics') diagnostics = e;
    else if (e.type === 'run_started' || e.type === 'progress') totalSteps = e.total_steps;
    else if (e.type === 'dead_codes' && e.action === 'reinit') {
      reinits.events++;
      reinits.codes += e.codes.length;
    }
  }
  const final = summary.status !== 'running' && summary.usage.length > 0;
  return {
    summary,
    codebookSize: summary.codebook_size,
    usage: final ? summary.usage : diagnostics?.usage ?? [],
    perplexity: final ? summary.perplexity : diagnostics?.perplexity ?? [],
    gini: final ? summary.gini : diagnostics?.gini ?? [],
    deadCodes: final ? summary.dead_codes : diagnostics?.dead_codes ?? [],
    collisionRate: final ? summary.collision_rate : diagnostics?.collision_rate ?? null,
    lastLosses,
    pairs,
    reinits,
    step,
    totalSteps,
  };
}
