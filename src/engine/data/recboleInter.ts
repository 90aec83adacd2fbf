/**
 * RecBole `.inter` interactions. Sequential benchmarks ship the split as three
 * siblings `X.{train,valid,test}.inter` with columns user_id, item_id_list (history),
 * item_id (next item): the test row holds the user's full history + last item, the
 * valid row the one before, and train one row per earlier prefix. A lone atomic
 * `X.inter` (user_id, item_id, optional timestamp) is read as plain sequences.
 */
import { access } from 'node:fs/promises';
import { DataError } from './types';
import { readDelimited } from './delimited';
import { fieldName } from './recboleHeader';
import type { RawSequence } from './rawSequences';

/** One user's given split, as raw item tokens. */
export interface RawSplit {
  user: string;
  train: string[];
  valid: string | null;
  test: string | null;
}

export type RecboleInteractions =
  | { kind: 'split'; users: RawSplit[]; warnings: string[]; source: string }
  | { kind: 'sequences'; users: RawSequence[]; source: string };

interface NextItemRow {
  history: string[];
  item: string;
  line: number;
}

export async function readRecboleInteractions(file: string): Promise<RecboleInteractions> {
  const base = file.replace(/\.(train|valid|test)\.inter$/i, '').replace(/\.inter$/i, '');
  const siblings = { train: `${base}.train.inter`, valid: `${base}.valid.inter`, test: `${base}.test.inter` };
  const [hasTrain, hasValid, hasTest] = await Promise.all([
    exists(siblings.train),
    exists(siblings.valid),
    exists(siblings.test),
  ]);
  if (hasValid && hasTest) {
    return readGivenSplit(siblings.train, hasTrain, siblings.valid, siblings.test);
  }
  const atomic = `${base}.inter`;
  if (file === atomic && (await exists(atomic))) {
    return { kind: 'sequences', users: await readAtomic(atomic), source: atomic };
  }
  const missing = [hasValid ? null : siblings.valid, hasTest ? null : siblings.test].filter((f) => f !== null);
  throw new DataError(file, 0, `a RecBole split needs its .valid.inter and .test.inter siblings; missing: ${missing.join(', ')}`);
}

async function readGivenSplit(
  trainFile: string,
  hasTrain: boolean,
  validFile: string,
  testFile: string,
): Promise<RecboleInteractions> {
  const test = await readNextItemRows(testFile, 'one');
  const valid = await readNextItemRows(validFile, 'one');
  const train = hasTrain ? await readNextItemRows(trainFile, 'longest') : new Map<string, NextItemRow>();

  // Users in order of first appearance: test, then valid-only, then train-only.
  const order = new Set<string>([...test.keys(), ...valid.keys(), ...train.keys()]);
  const users: RawSplit[] = [];
  let inconsistent = 0;
  const inconsistentExamples: string[] = [];
  for (const user of order) {
    const t = test.get(user);
    const v = valid.get(user);
    if (v !== undefined) {
      users.push({ user, train: v.history, valid: v.item, test: t?.item ?? null });
      if (t !== undefined && !extends1(t.history, v.history, v.item)) {
        inconsistent += 1;
        if (inconsistentExamples.length < 3) inconsistentExamples.push(`'${user}' (line ${t.line})`);
      }
    } else if (t !== undefined) {
      users.push({ user, train: t.history, valid: null, test: t.item });
    } else {
      const r = train.get(user);
      if (r !== undefined) users.push({ user, train: [...r.history, r.item], valid: null, test: null });
    }
  }
  const warnings: string[] = [];
  if (inconsistent > 0) {
    warnings.push(
      `${testFile}: for ${inconsistent} user(s) the test history is not the validation history + validation item ` +
        `(e.g. ${inconsistentExamples.join(', ')}); the split was used as given`,
    );
  }
  return { kind: 'split', users, warnings, source: testFile };
}

/** Rows of one split file by user: exactly one per user, or the longest history per user (train). */
async function readNextItemRows(file: string, perUser: 'one' | 'longest'): Promise<Map<string, NextItemRow>> {
  const rows = new Map<string, NextItemRow>();
  let columns: { user: number; history: number; item: number; count: number } | null = null;
  for await (const { fields, line } of readDelimited(file, 'tsv')) {
    if (columns === null) {
      columns = headerColumns(file, line, fields, ['user_id', 'item_id_list', 'item_id']);
      continue;
    }
    if (fields.length !== columns.count) {
      throw new DataError(file, line, `row has ${fields.length} columns, but the header has ${columns.count}`);
    }
    const user = fields[columns.user].trim();
    const item = fields[columns.item].trim();
    if (user === '' || item === '') throw new DataError(file, line, 'empty user or item id');
    const history = fields[columns.history].trim().split(/\s+/).filter((t) => t !== '');
    const earlier = rows.get(user);
    if (earlier !== undefined) {
      if (perUser === 'one') throw new DataError(file, line, `user '${user}' has a second row (first on line ${earlier.line})`);
      if (earlier.history.length >= history.length) continue;
    }
    rows.set(user, { history, item, line });
  }
  if (columns === null) throw new DataError(file, 0, 'the file is empty (expected a header row)');
  return rows;
}

/** A plain RecBole `.inter`: one interaction per row, ordered by timestamp when there is one. */
async function readAtomic(file: string): Promise<RawSequence[]> {
  const byUser = new Map<string, { items: string[]; times: number[] }>();
  let columns: { user: number; item: number; time: number; count: number } | null = null;
  for await (const { fields, line } of readDelimited(file, 'tsv')) {
    if (columns === null) {
      const found = headerColumns(file, line, fields, ['user_id', 'item_id']);
      const time = fields.map(fieldName).indexOf('timestamp');
      columns = { user: found.user, item: found.item, time, count: found.count };
      continue;
    }
    if (fields.length !== columns.count) {
      throw new DataError(file, line, `row has ${fields.length} columns, but the header has ${columns.count}`);
    }
    const user = fields[columns.user].trim();
    let entry = byUser.get(user);
    if (entry === undefined) {
      entry = { items: [], times: [] };
      byUser.set(user, entry);
    }
    const time = columns.time >= 0 ? Number(fields[columns.time]) : entry.items.length;
    if (Number.isNaN(time)) throw new DataError(file, line, `timestamp '${fields[columns.time]}' is not a number`);
    entry.items.push(fields[columns.item].trim());
    entry.times.push(time);
  }
  if (columns === null) throw new DataError(file, 0, 'the file is empty (expected a header row)');
  const out: RawSequence[] = [];
  for (const [user, { items, times }] of byUser) {
    // Stable sort by time: rows with equal timestamps keep their file order.
    const order = items.map((_, k) => k).sort((a, b) => times[a] - times[b] || a - b);
    out.push({ user, items: order.map((k) => items[k]) });
  }
  return out;
}

function headerColumns(
  file: string,
  line: number,
  header: string[],
  required: string[],
): { user: number; history: number; item: number; count: number } {
  const names = header.map(fieldName);
  const missing = required.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw new DataError(
      file,
      line,
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} in the header (found ${names.map((n) => `'${n}'`).join(', ')})`,
    );
  }
  return {
    user: names.indexOf('user_id'),
    history: names.indexOf('item_id_list'),
    item: names.indexOf('item_id'),
    count: names.length,
  };
}

/** Whether `longer` is exactly `prefix` followed by `next`. */
function extends1(longer: string[], prefix: string[], next: string): boolean {
  if (longer.length !== prefix.length + 1 || longer[prefix.length] !== next) return false;
  for (let k = 0; k < prefix.length; k++) if (longer[k] !== prefix[k]) return false;
  return true;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
