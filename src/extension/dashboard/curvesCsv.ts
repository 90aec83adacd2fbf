/**
 * "Export CSV": every curve point of the shown runs at full resolution (not the
 * downsampled series the webview draws), one row per (run, step), one column per
 * series. No vscode import.
 */
import * as path from 'node:path';
import type { EngineEvent } from '../../protocol';
import { seriesPoints } from '../../protocol';

export function curvesCsv(runs: readonly { dir: string; events: readonly EngineEvent[] }[]): string {
  const columns: string[] = [];
  const rows: { run: string; step: number; values: Map<string, number> }[] = [];
  for (const { dir, events } of runs) {
    const byStep = new Map<number, Map<string, number>>();
    for (const event of events) {
      for (const [name, value] of seriesPoints(event)) {
        if (!columns.includes(name)) columns.push(name);
        let values = byStep.get(event.step);
        if (!values) byStep.set(event.step, (values = new Map()));
        values.set(name, value);
      }
    }
    const run = path.basename(dir);
    for (const step of [...byStep.keys()].sort((a, b) => a - b)) rows.push({ run, step, values: byStep.get(step)! });
  }
  const lines = [['run', 'step', ...columns].join(',')];
  for (const r of rows) lines.push([csvField(r.run), String(r.step), ...columns.map((c) => (r.values.has(c) ? String(r.values.get(c)) : ''))].join(','));
  return lines.join('\n') + '\n';
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
