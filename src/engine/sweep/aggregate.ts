/**
 * Across-seed statistics of run summaries: every numeric field of summary.json gets a
 * mean and a standard deviation. Per-level fields (lists of numbers: usage, perplexity,
 * gini, dead_codes, ...) get a list with one {mean, std} per level. Lists of records
 * (coherence: [{depth, users, random}]) become one per-level field per numeric member
 * (`coherence.users`, `coherence.random`; the depth is the position). Nested records
 * (eval: {recall@10: ...}) become dotted scalar fields (`eval.recall@10`).
 */

/** Mean and sample standard deviation (n - 1) over the runs that have the value; std is null with one run. */
export interface Stat {
  mean: number;
  std: number | null;
  /** Runs the statistic is over. */
  n: number;
}

/** A scalar field's statistic, or one per level. */
export type FieldStat = Stat | Stat[];

/** A run's numeric fields, flattened: scalars and per-level lists. */
export type NumericFields = Map<string, number | number[]>;

/** Identity, not measurement: never averaged. */
const NOT_MEASURED = new Set(['seed']);
/** Inside lists of records: the position already says it. */
const POSITION_KEYS = new Set(['depth', 'level']);

export function numericFields(summary: object): NumericFields {
  const out: NumericFields = new Map();
  collect(summary as Record<string, unknown>, '', out);
  return out;
}

function collect(record: Record<string, unknown>, prefix: string, out: NumericFields): void {
  for (const [key, value] of Object.entries(record)) {
    const name = prefix + key;
    if (prefix === '' && NOT_MEASURED.has(key)) continue;
    if (isFiniteNumber(value)) out.set(name, value);
    else if (Array.isArray(value) && value.length > 0 && value.every(isFiniteNumber)) out.set(name, value.slice());
    else if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) {
      const members = new Set<string>();
      for (const entry of value) for (const [k, v] of Object.entries(entry)) if (isFiniteNumber(v) && !POSITION_KEYS.has(k)) members.add(k);
      for (const member of members) {
        const list = value.map((entry) => entry[member]);
        if (list.every(isFiniteNumber)) out.set(`${name}.${member}`, list);
      }
    } else if (isRecord(value)) collect(value, `${name}.`, out);
  }
}

/** Field -> statistic across runs; a field keeps the shape (scalar or list) of its first occurrence. */
export function aggregateFields(runs: NumericFields[]): Record<string, FieldStat> {
  const names: string[] = [];
  for (const run of runs) for (const name of run.keys()) if (!names.includes(name)) names.push(name);
  const out: Record<string, FieldStat> = {};
  for (const name of names) {
    const values = runs.map((r) => r.get(name)).filter((v): v is number | number[] => v !== undefined);
    if (typeof values[0] === 'number') {
      out[name] = stat(values.filter((v): v is number => typeof v === 'number'));
    } else {
      const lists = values.filter((v): v is number[] => Array.isArray(v));
      const length = Math.max(...lists.map((l) => l.length));
      out[name] = Array.from({ length }, (_, i) => stat(lists.filter((l) => i < l.length).map((l) => l[i])));
    }
  }
  return out;
}

export function stat(values: number[]): Stat {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: null, n: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, std: null, n };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance), n };
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
