/**
 * The run part of a key's hover: the latest run of the experiment, when it ran, the
 * metrics the key governs, and a link that opens the run's dashboard.
 */
import type { RunStore } from '../runs/runStore';
import { formatAgo } from './relativeTime';
import { runFacts } from './runFacts';
import { MetricFamily, metricLines } from './runMetrics';
import { markdownValue } from '../markdownText';

/** The one command a hover's Markdown may run. */
export const OPEN_DASHBOARD_COMMAND = 'semid.openDashboard';

export function openDashboardLink(runDir: string): string {
  return `command:${OPEN_DASHBOARD_COMMAND}?${encodeURIComponent(JSON.stringify([runDir]))}`;
}

export async function runHoverMarkdown(runs: RunStore, experimentPath: string, family: MetricFamily): Promise<string> {
  const latest = runs.latest(experimentPath);
  if (!latest) return '_No runs of this experiment yet._';
  let events: Awaited<ReturnType<RunStore['events']>> = [];
  try {
    events = await runs.events(latest.dir);
  } catch {
    // A run without a readable metrics.jsonl still has its summary.
  }
  const facts = runFacts(latest.summary, events);
  const { summary } = facts;
  const when = summary.status === 'running' ? `started ${formatAgo(summary.started_at)}` : formatAgo(summary.finished_at ?? summary.started_at);
  const header =
    `**Last run** ${markdownValue(summary.run_id)} · ${markdownValue(summary.status)} · ${markdownValue(when)} · ` +
    `[Open dashboard](${openDashboardLink(latest.dir)} "Open the training dashboard for this run")`;
  return [header, '', ...metricLines(family, facts)].join('\n');
}
