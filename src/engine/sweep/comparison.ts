/**
 * `<output.dir>/<name>/comparison.json` and `comparison.md` (design §3): one entry per
 * variant with its runs and, under `metrics`, every numeric summary field as
 * {mean, std, n} across seeds (per-level fields as a list, one per level).
 */
import { aggregateFields, numericFields, type FieldStat, type Stat } from './aggregate';

/** A finished run of the sweep, as far as the comparison cares. */
export interface ComparedRun {
  dir: string;
  seed: number;
  summary: object;
}

export interface ComparisonEntry {
  variant: string;
  overrides: Record<string, unknown>;
  /** Seeds the sweep asked for. */
  seeds: number[];
  /** Directories of the completed runs the statistics are over, in seed order. */
  runs: string[];
  /** Seeds without a completed run yet (interrupted or failed sweep). */
  missing_seeds: number[];
  /** Runs that failed (their directories hold the error). */
  failed: string[];
  metrics: Record<string, FieldStat>;
}

export function comparisonEntry(
  variant: string,
  overrides: Record<string, unknown>,
  seeds: number[],
  completed: ComparedRun[],
  failed: string[],
): ComparisonEntry {
  const bySeed = [...completed].sort((a, b) => a.seed - b.seed);
  const done = new Set(bySeed.map((r) => r.seed));
  return {
    variant,
    overrides,
    seeds,
    runs: bySeed.map((r) => r.dir),
    missing_seeds: seeds.filter((s) => !done.has(s)),
    failed,
    metrics: aggregateFields(bySeed.map((r) => numericFields(r.summary))),
  };
}

/** Fields that describe the setup rather than the result: in the JSON, not in the table. */
const SETUP_FIELDS = new Set(['items', 'levels', 'codebook_size']);
/** Table columns first in this order, then any other field in first-seen order. */
const COLUMN_ORDER = [
  'steps',
  'seconds',
  'recon_loss',
  'collision_rate',
  'unique_sid_ratio',
  'max_collisions',
  'usage',
  'perplexity',
  'gini',
  'dead_codes',
  'coherence.users',
  'coherence.random',
];

export interface MarkdownHeader {
  experiment: string;
  experimentPath: string;
  seeds: number;
}

/**
 * The comparison as a Markdown table, one row per variant. A cell is `mean ± std`;
 * a per-level cell lists the levels' means joined by ` / ` and then their stds in
 * brackets: `0.91 / 0.62 / 0.40 (± 0.01 / 0.03 / 0.02)`.
 */
export function comparisonMarkdown(entries: ComparisonEntry[], header: MarkdownHeader): string {
  const fields: string[] = [];
  for (const f of COLUMN_ORDER) if (entries.some((e) => f in e.metrics)) fields.push(f);
  for (const e of entries) for (const f of Object.keys(e.metrics)) if (!fields.includes(f) && !SETUP_FIELDS.has(f)) fields.push(f);

  const lines: string[] = [];
  lines.push(`# ${header.experiment}: sweep comparison`, '');
  lines.push(`Experiment: \`${header.experimentPath}\`; seeds per variant: ${header.seeds}.`);
  lines.push('Cells: mean ± sample std over seeds; per-level fields list levels 0, 1, ... separated by `/`.', '');
  lines.push(`| variant | runs | ${fields.join(' | ')} |`);
  lines.push(`|${' --- |'.repeat(fields.length + 2)}`);
  for (const e of entries) {
    const runs = `${e.runs.length}/${e.seeds.length}` + (e.failed.length ? ` (${e.failed.length} failed)` : '');
    const cells = fields.map((f) => (f in e.metrics ? cell(e.metrics[f]) : '-'));
    lines.push(`| ${escapeCell(e.variant)} | ${runs} | ${cells.join(' | ')} |`);
  }
  lines.push('', 'Overrides per variant:', '');
  for (const e of entries) {
    const list = Object.entries(e.overrides).map(([k, v]) => `\`${k}=${JSON.stringify(v)}\``);
    lines.push(`- **${escapeCell(e.variant)}**: ${list.length ? list.join(', ') : 'the file as it is'}`);
  }
  return lines.join('\n') + '\n';
}

function cell(s: FieldStat): string {
  if (!Array.isArray(s)) return s.std === null ? num(s.mean) : `${num(s.mean)} ± ${num(s.std, 2)}`;
  const means = s.map((x) => num(x.mean)).join(' / ');
  if (s.every((x) => x.std === null)) return means;
  return `${means} (± ${s.map((x: Stat) => (x.std === null ? '-' : num(x.std, 2))).join(' / ')})`;
}

/** Four significant digits (two for stds), no exponent for ordinary magnitudes. */
export function num(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e7) return String(x);
  const text = x.toPrecision(digits);
  return text.includes('e') ? text : String(Number(text));
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
