/** The CLI's synchronous read of a run's metrics.jsonl; the series rule is src/protocol/metricsSeries.ts. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { metricsSeriesOf, RUN_FILES, type EngineEvent } from '../../protocol';

/** Reads a run's metrics.jsonl as one consistent series; [] when it cannot be read. */
export function readMetricsSeries(runDir: string): EngineEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(runDir, RUN_FILES.metrics), 'utf8');
  } catch {
    return [];
  }
  return metricsSeriesOf(text);
}
