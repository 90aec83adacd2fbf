/**
 * The dashboard's reads of a run directory beyond summary and events: a half-written
 * last line of metrics.jsonl, example pairs from pairs.tsv (their titles come from the
 * engine, which reads the catalog), and the sweep's comparison.json. Each read fails
 * soft: a missing or broken file becomes a note, never an exception. No vscode import.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { COMPARISON_FILES, PAIRS_TSV_HEADER, RUN_FILES } from '../../protocol';
import type { ComparisonVariant, ComparisonView, PairExample } from '../../protocol';

/** A line at the end of metrics.jsonl without its newline (a run killed mid-write). */
export interface PartialLine {
  /** 1-based line number of the cut line. */
  line: number;
  bytes: number;
}

/** The cut last line of `dir`/metrics.jsonl, or null when the file ends in a newline (or is absent). */
export async function partialLastLine(dir: string): Promise<PartialLine | null> {
  let data: Buffer;
  try {
    data = await fsp.readFile(path.join(dir, RUN_FILES.metrics));
  } catch {
    return null;
  }
  if (data.length === 0 || data[data.length - 1] === 0x0a) return null;
  let lines = 1;
  let lastNewline = -1;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0a) {
      lines++;
      lastNewline = i;
    }
  }
  return { line: lines, bytes: data.length - lastNewline - 1 };
}

/**
 * The `count` highest-scoring kept pairs and the `count` lowest (just above the
 * threshold) from pairs.tsv, in one streaming pass, titled by `titlesOf` (catalog id
 * -> title, asked once for the kept pairs); null when the run has no pairs.
 */
export async function pairExamples(
  dir: string,
  titlesOf: (ids: string[]) => Promise<ReadonlyMap<string, string>>,
  count = 6,
): Promise<{ strongest: PairExample[]; weakest: PairExample[] } | null> {
  const file = path.join(dir, RUN_FILES.pairs);
  try {
    await fsp.access(file);
  } catch {
    return null;
  }
  const strongest: PairExample[] = [];
  const weakest: PairExample[] = [];
  const input = createReadStream(file, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    let first = true;
    for await (const line of lines) {
      if (first) {
        first = false;
        // Not a pairs file as the engine writes it: no examples rather than misread columns.
        if (line.replace(/\r$/, '') !== PAIRS_TSV_HEADER) return null;
        continue;
      }
      const [a, b, k11, score] = line.split('\t');
      const s = Number(score);
      if (b === undefined || !Number.isFinite(s)) continue;
      const pair: PairExample = { a, b, aTitle: null, bTitle: null, count: Number(k11), score: s };
      keep(strongest, pair, count, (p, q) => q.score - p.score);
      keep(weakest, pair, count, (p, q) => p.score - q.score);
    }
  } finally {
    // Leaving the loop early closes the reader, not the file under it.
    input.destroy();
  }
  const kept = [...strongest, ...weakest];
  if (kept.length === 0) return { strongest, weakest };
  const titles = await titlesOf([...new Set(kept.flatMap((p) => [p.a, p.b]))]);
  const titled = (p: PairExample): PairExample => ({ ...p, aTitle: titles.get(p.a) ?? null, bTitle: titles.get(p.b) ?? null });
  return { strongest: strongest.map(titled), weakest: weakest.map(titled) };
}

/** Keeps the `count` best under `order` (small lists: insertion is enough). */
function keep(list: PairExample[], pair: PairExample, count: number, order: (p: PairExample, q: PairExample) => number): void {
  if (list.length === count && order(pair, list[count - 1]) >= 0) return;
  list.push(pair);
  list.sort(order);
  if (list.length > count) list.pop();
}

interface RawStat {
  mean: number;
  std: number | null;
  n: number;
}

/** comparison.json of the sweep the run belongs to (its parent folder), or null. */
export async function readComparison(runDir: string): Promise<ComparisonView | null> {
  const file = path.join(path.dirname(runDir), COMPARISON_FILES.json);
  let entries: unknown;
  try {
    entries = JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(entries)) return null;
  const variants: ComparisonVariant[] = [];
  for (const e of entries as Record<string, unknown>[]) {
    if (typeof e?.variant !== 'string' || typeof e.metrics !== 'object' || e.metrics === null) continue;
    const metrics: ComparisonVariant['metrics'] = {};
    for (const [name, value] of Object.entries(e.metrics as Record<string, RawStat | RawStat[]>)) {
      if (Array.isArray(value)) value.forEach((s, l) => isStat(s) && (metrics[`${name}[${l}]`] = s));
      else if (isStat(value)) metrics[name] = value;
    }
    variants.push({
      variant: e.variant,
      runs: Array.isArray(e.runs) ? e.runs.filter((r): r is string => typeof r === 'string') : [],
      seeds: Array.isArray(e.seeds) ? e.seeds.length : 0,
      failed: Array.isArray(e.failed) ? e.failed.length : 0,
      metrics,
    });
  }
  if (variants.length === 0) return null;
  return { experiment: path.basename(path.dirname(runDir)), file, variants };
}

function isStat(value: unknown): value is RawStat {
  const s = value as RawStat;
  return typeof s === 'object' && s !== null && Number.isFinite(s.mean) && (s.std === null || Number.isFinite(s.std)) && Number.isInteger(s.n);
}
