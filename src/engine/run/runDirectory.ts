import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EngineEvent, RunSummary } from '../../protocol';
import { RUN_FILES } from '../../protocol/runLayout';
import { writeJsonAtomic } from './atomicWrite';

/** `YYYYMMDD-HHMMSS-xxxx`, UTC, 4 random hex digits. */
export function newRunId(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp =
    `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-` +
    `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Creates `<outputDir>/<experiment>/<run-id>/` and returns its absolute path. The run
 * folder itself is created exclusively (mkdir fails if it exists), so two processes that
 * draw the same id in the same second never share a directory: the loser draws again.
 */
export function createRunDirectory(outputDir: string, experiment: string, drawId: () => string = newRunId): { runId: string; dir: string } {
  const parent = path.resolve(outputDir, experiment);
  fs.mkdirSync(parent, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const runId = drawId();
    const dir = path.join(parent, runId);
    try {
      fs.mkdirSync(dir);
      return { runId, dir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 1000) throw e;
    }
  }
}

/** Append-only `metrics.jsonl`: one event a line, flushed as it is written. */
export class MetricsLog {
  private fd: number;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  append(event: EngineEvent): void {
    fs.writeSync(this.fd, JSON.stringify(event) + '\n');
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

export function writeSummary(dir: string, summary: RunSummary): void {
  writeJsonAtomic(path.join(dir, RUN_FILES.summary), summary);
}

export function readSummary(dir: string): RunSummary {
  const file = path.join(dir, RUN_FILES.summary);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunSummary;
  } catch (e) {
    throw new Error(`${file}: cannot read run summary (${(e as Error).message})`, { cause: e });
  }
}
