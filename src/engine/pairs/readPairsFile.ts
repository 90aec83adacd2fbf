/**
 * `collab.pairs.file`: kept pairs mined elsewhere (distributed/ray/mine_pairs.py, or an
 * earlier run's pairs.tsv), read back as MinedPairs so training uses them as is.
 * pairs.json beside the file, when present, supplies the counts the `pairs` event
 * reports (contexts, candidates, histogram); without it they are derived from the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PairCriterion } from '../config/experiment';
import { DataError } from '../data/types';
import type { MinedPairs, PairMiningOptions } from './minePairs';
import { minePairs } from './minePairs';
import { PAIRS_JSON, PAIRS_TSV_HEADER, type PairsFileSummary } from './pairsFile';
import { scoreHistogram } from './scoreHistogram';

const CRITERIA: readonly PairCriterion[] = ['llr', 'npmi', 'pmi', 'count', 'none'];

export function readPairsFile(file: string, itemIds: readonly string[]): MinedPairs {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, 0, `cannot read the pairs file (${(e as Error).message})`);
  }
  const lines = text.split('\n');
  if (lines[0].replace(/\r$/, '') !== PAIRS_TSV_HEADER) {
    throw new DataError(file, 1, `expected the header '${PAIRS_TSV_HEADER.replace(/\t/g, '\\t')}' (a pairs.tsv as a run or mine_pairs.py writes it)`);
  }
  const indexOf = new Map<string, number>();
  itemIds.forEach((id, i) => indexOf.set(id, i));
  const rows: { a: number; b: number; k11: number; score: number }[] = [];
  const seen = new Set<number>();
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '');
    if (line === '') continue;
    const fields = line.split('\t');
    const lineNo = n + 1;
    if (fields.length !== 4) throw new DataError(file, lineNo, `expected 4 tab-separated fields (a_id, b_id, k11, score), found ${fields.length}`);
    const [x, y] = [unescapeId(fields[0]), unescapeId(fields[1])].map((id) => {
      const i = indexOf.get(id);
      if (i === undefined) throw new DataError(file, lineNo, `item '${id}' is not in the catalog`);
      return i;
    });
    if (x === y) throw new DataError(file, lineNo, `a pair of item '${fields[0]}' with itself`);
    const k11 = Number(fields[2]);
    if (!Number.isInteger(k11) || k11 < 1) throw new DataError(file, lineNo, `k11 '${fields[2]}' is not a positive integer`);
    const score = Number(fields[3]);
    if (fields[3].trim() === '' || Number.isNaN(score)) throw new DataError(file, lineNo, `score '${fields[3]}' is not a number`);
    const a = Math.min(x, y);
    const b = Math.max(x, y);
    const key = a * itemIds.length + b;
    if (seen.has(key)) throw new DataError(file, lineNo, `the pair ${fields[0]} - ${fields[1]} appears twice`);
    seen.add(key);
    rows.push({ a, b, k11, score });
  }
  rows.sort((p, q) => p.a - q.a || p.b - q.b);
  const summary = readSummary(path.join(path.dirname(file), PAIRS_JSON));
  const scores = Float64Array.from(rows, (r) => r.score);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of scores) {
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  return {
    a: Int32Array.from(rows, (r) => r.a),
    b: Int32Array.from(rows, (r) => r.b),
    k11: Int32Array.from(rows, (r) => r.k11),
    score: scores,
    criterion: summary?.criterion ?? 'none',
    contexts: summary?.contexts ?? 0,
    candidates: summary?.candidates ?? rows.length,
    kept: rows.length,
    threshold: summary?.threshold ?? -Infinity,
    histogram: summary?.histogram ?? scoreHistogram(scores, lo, hi),
    shards: 0,
  };
}

/** The pairs training uses: the configured file, or mined from the training sequences. */
export function keptPairs(trainSequences: readonly Int32Array[], itemIds: readonly string[], opts: PairMiningOptions & { file?: string | null }): MinedPairs {
  if (opts.file) return readPairsFile(opts.file, itemIds);
  return minePairs(trainSequences, itemIds.length, opts);
}

function unescapeId(field: string): string {
  return field.includes('\\') ? field.replace(/\\([tnr\\])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : '\\')) : field;
}

function readSummary(file: string): (Omit<PairsFileSummary, 'criterion' | 'threshold'> & { criterion: PairCriterion; threshold: number }) | null {
  if (!fs.existsSync(file)) return null;
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as PairsFileSummary;
    if (!CRITERIA.includes(s.criterion as PairCriterion) || !s.histogram) return null;
    return { ...s, criterion: s.criterion as PairCriterion, threshold: s.threshold ?? -Infinity };
  } catch {
    return null;
  }
}
