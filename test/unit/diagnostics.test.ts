import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Catalog, UserSequences } from '../../src/engine/data/types';
import { Random } from '../../src/engine/util/random';
import { codebookStats, coherence, gini, perplexity } from '../../src/engine/diagnostics/codebookStats';
import {
  InspectError,
  buildInspectIndex,
  catalogTitles,
  displayTitle,
  formatItemReport,
  formatPrefixReport,
  inspectItem,
  inspectPrefix,
} from '../../src/engine/diagnostics/inspect';
import { assignCollisionDigits } from '../../src/engine/ids/collisionDigit';
import { leadingLevels } from '../../src/engine/ids/codeMatrix';
import { readLetterIds } from '../../src/engine/ids/letterFormat';
import { SHARED_DATA, withoutShared } from '../support/sharedData';

const sharedData = SHARED_DATA;
const rows = (r: number[][]): Int32Array => Int32Array.from(r.flat());
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

test('codebookStats on a hand-computed example', () => {
  // Level 1 (K=4): codes 0,0,1,2 -> counts [2,1,1,0]. Level 2 (K=2): all on code 1.
  const codes = rows([[0, 1], [0, 1], [1, 1], [2, 1]]);
  const s = codebookStats(codes, 4, [4, 2]);
  assert.deepEqual(s.usageCounts, [[2, 1, 1, 0], [0, 4]]);
  assert.deepEqual(s.usage, [0.75, 0.5]);
  // H = -(1/2 ln 1/2 + 2 * 1/4 ln 1/4) = 1.5 ln 2, so exp(H) = 2^1.5.
  close(s.perplexity[0], 2 ** 1.5, 'perplexity level 1');
  close(s.perplexity[1], 1, 'perplexity level 2');
  // Sorted [0,1,1,2]: 2(0+2+3+8)/(4*4) - 5/4 = 26/16 - 20/16 = 0.375.
  close(s.gini[0], 0.375, 'gini level 1');
  // Sorted [0,4]: 2(0+8)/(2*4) - 3/2 = 0.5, the maximum (K-1)/K.
  close(s.gini[1], 0.5, 'gini level 2');
  assert.deepEqual(s.deadCodes, [1, 1]);
  // Tuples (0,1) x2, (1,1), (2,1): 3 distinct of 4 items.
  assert.equal(s.distinctTuples, 3);
  close(s.collisionRate, 0.25, 'collision rate');
  assert.equal(s.maxCollisions, 2);
  assert.equal(s.uniqueSidRatio, null);
  assert.equal(codebookStats(codes, 4, [4, 2], assignCollisionDigits(codes, 4, 2)).uniqueSidRatio, 1);
  assert.equal(codebookStats(codes, 4, [4, 2], new Int32Array(4)).uniqueSidRatio, 0.75);
});

test('gini and perplexity: even, skewed and empty counts', () => {
  close(gini([5, 5, 5, 5]), 0, 'even gini');
  close(perplexity([5, 5, 5, 5]), 4, 'even perplexity');
  // Mean absolute difference: 20 / (2 * 16 * 2.5) = 0.25; order of input does not matter.
  close(gini([4, 1, 3, 2]), 0.25, 'gini 1..4');
  close(gini([0, 0, 0, 9]), 0.75, 'gini all on one');
  assert.equal(gini([0, 0]), 0);
  assert.equal(perplexity([0, 0]), 0);
  close(perplexity([1, 1, 2]), Math.exp(-(0.5 * Math.log(0.5) + 0.5 * Math.log(0.25))), 'perplexity [1,1,2]');
});

test('codebookStats: empty catalog and bad input', () => {
  const s = codebookStats(new Int32Array(0), 0, [3], new Int32Array(0));
  assert.deepEqual([s.usage, s.perplexity, s.gini, s.deadCodes], [[0], [0], [0], [3]]);
  assert.equal(s.collisionRate, 0);
  assert.equal(s.maxCollisions, 0);
  assert.throws(() => codebookStats(rows([[0, 4]]), 1, [4, 4]), /item 0, level 2: code 4 is outside 0..3/);
  assert.throws(() => codebookStats(rows([[0, 1]]), 1, [4]), /expected 1 x 1 = 1 values, got 2/);
  assert.throws(() => codebookStats(rows([[0]]), 1, [0]), /codebook size 0/);
  assert.throws(() => codebookStats(rows([[0]]), 1, [2], new Int32Array(2)), /digits: expected 1, got 2/);
});

test('codebookStats on the LETTER Beauty IDs matches an independent count', { skip: withoutShared('beauty/reference_letter_sids.json') }, async () => {
  const letter = await readLetterIds(path.join(sharedData, 'beauty', 'reference_letter_sids.json'));
  const three = leadingLevels(letter.codes, letter.items, 4, 3);
  const s = codebookStats(three, letter.items, [256, 256, 256]);
  const groups = new Map<string, number>();
  const counts = new Array<number>(256).fill(0);
  for (let i = 0; i < letter.items; i++) {
    const key = `${three[i * 3]},${three[i * 3 + 1]},${three[i * 3 + 2]}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
    counts[three[i * 3]]++;
  }
  assert.equal(s.distinctTuples, groups.size);
  assert.equal(s.maxCollisions, Math.max(...groups.values()));
  close(s.collisionRate, 1 - groups.size / letter.items, 'collision rate');
  assert.deepEqual(s.usageCounts[0], counts);
  assert.equal(s.deadCodes[0], counts.filter((n) => n === 0).length);
  // Statistics of the first three levels are the same per level as over all four.
  assert.deepEqual(codebookStats(letter.codes, letter.items, [256, 256, 256, 256]).perplexity.slice(0, 3), s.perplexity);
});

function sequences(valid: number[], test: number[]): UserSequences {
  return { users: valid.map((_, u) => `u${u}`), train: valid.map(() => new Int32Array(0)), valid: Int32Array.from(valid), test: Int32Array.from(test) };
}

test('coherence on a hand-made example', () => {
  const codes = [[1, 1], [1, 2], [1, 1], [2, 1]];
  const codesOf = (i: number): number[] => codes[i];
  // u0: 0 vs 2 agree on both codes; u1: 0 vs 1 on the first only; u2: 3 vs 0 on none;
  // u3 has no validation item and does not count.
  const four = coherence(codesOf, sequences([0, 0, 3, -1], [2, 1, 0, 1]), 2);
  assert.deepEqual(four.map((d) => [d.depth, d.users]), [[1, 2 / 3], [2, 1 / 3]]);
  // Chance over all six (validation of u, test of v != u) pairs: 0 vs 1, 0 vs 0, 0 vs 2,
  // 0 vs 0, 3 vs 2, 3 vs 1 agree on the first code 4 times, on both 3 times.
  assert.deepEqual(four.map((d) => d.random), [4 / 6, 3 / 6]);
  // Two users: each one's only other partner is the other.
  // Real: u0 (0 vs 2) both codes, u1 (3 vs 1) none. Random: 0 vs 1 first code only, 3 vs 2 none.
  const two = coherence(codesOf, sequences([0, 3], [2, 1]), 2);
  assert.deepEqual(two, [
    { depth: 1, users: 0.5, random: 0.5 },
    { depth: 2, users: 0.5, random: 0 },
  ]);
  assert.deepEqual(coherence(codesOf, sequences([-1], [0]), 2), [
    { depth: 1, users: 0, random: 0 },
    { depth: 2, users: 0, random: 0 },
  ]);
});

test('coherence: random pairs sit at chance, coherent users above it', () => {
  const random = new Random(3);
  const items = 400;
  const codes = Array.from({ length: items }, () => [random.int(4), random.int(4)]);
  const n = 4000;
  const valid = Array.from({ length: n }, () => random.int(items));
  // Each user's test item shares the validation item's first code half the time.
  const test = valid.map((v) => {
    if (random.next() < 0.5) return random.int(items);
    let t = random.int(items);
    while (codes[t][0] !== codes[v][0]) t = random.int(items);
    return t;
  });
  const [d1, d2] = coherence((i) => codes[i], sequences(valid, test), 2);
  assert.ok(Math.abs(d1.random - 0.25) < 0.04, `random depth 1 ${d1.random}`);
  assert.ok(Math.abs(d2.random - 1 / 16) < 0.03, `random depth 2 ${d2.random}`);
  assert.ok(Math.abs(d1.users - 0.625) < 0.04, `users depth 1 ${d1.users}`); // 0.5 + 0.5 * 0.25
});

function tinyIndex() {
  // Full IDs: a 1-2-0, b 1-3-0, c 1-2-1, d 0-0-0, e 1-2-2, f 1-4-0.
  const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
  const codes = rows([[1, 2], [1, 3], [1, 2], [0, 0], [1, 2], [1, 4]]);
  const digits = assignCollisionDigits(codes, 6, 2);
  const titles = ['Alpha cream', 'Beta  soap\twith tab', null, 'Delta &amp; Co', 'Epsilon', 'Phi'];
  return buildInspectIndex({ ids, codes, digits, levels: 2 }, titles);
}

test('inspectPrefix lists the items under a prefix', () => {
  const index = tinyIndex();
  const report = inspectPrefix(index, '1-2');
  assert.deepEqual(report, {
    kind: 'prefix',
    prefix: [1, 2],
    count: 3,
    items: [
      { id: 'a', sid: [1, 2, 0], title: 'Alpha cream' },
      { id: 'c', sid: [1, 2, 1], title: null },
      { id: 'e', sid: [1, 2, 2], title: 'Epsilon' },
    ],
  });
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report); // the --json shape
  const limited = inspectPrefix(index, [1], { limit: 2 });
  assert.equal(limited.count, 5);
  assert.deepEqual(limited.items.map((i) => i.id), ['a', 'c']);
  assert.equal(inspectPrefix(index, '<a_7>').count, 0);
  assert.throws(() => inspectPrefix(index, '1-x'), /"x" is not a code/);
  assert.throws(() => inspectPrefix(index, [1, 2, 0, 0]), InspectError);

  const text = formatPrefixReport(limited);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'prefix 1: 5 items');
  assert.equal(lines[1], '  1-2-0  a  Alpha cream');
  assert.equal(lines[2], '  1-2-1  c');
  assert.equal(lines[3], '  ... 3 more');
});

test('inspectItem shows the neighbourhood at each depth', () => {
  const index = tinyIndex();
  const report = inspectItem(index, 'a');
  assert.deepEqual(report.item, { id: 'a', sid: [1, 2, 0], title: 'Alpha cream' });
  assert.equal(report.levels, 2);
  assert.deepEqual(
    report.depths.map((d) => [d.depth, d.prefix, d.count, d.exactly, d.items.map((i) => i.id)]),
    [
      [1, [1], 4, 2, ['b', 'f']], // c and e share more and are listed at depth 2
      [2, [1, 2], 2, 2, ['c', 'e']],
    ],
  );
  const lonely = inspectItem(index, 'd');
  assert.deepEqual(lonely.depths.map((d) => d.count), [0, 0]);
  assert.throws(() => inspectItem(index, 'zzz'), (err: unknown) => err instanceof InspectError && /no item with id "zzz"/.test(err.message));
  assert.deepEqual(inspectItem(index, 'a', { limit: 1 }).depths[0].items.map((i) => i.id), ['b']);

  const text = formatItemReport(inspectItem(index, 'b'));
  assert.match(text, /^1-3-0 {2}b {2}Beta soap with tab\n/);
  assert.match(text, /depth 1 {2}1  +4 other items, 4 only this deep\n/);
  assert.match(text, /depth 2 {2}1-3  +0 other items\n/);
  // Columns line up: every listed row puts its id at the same offset.
  const listed = text.split('\n').filter((l) => l.startsWith('    1-'));
  assert.equal(listed.length, 4);
  assert.equal(new Set(listed.map((l) => l.indexOf('  ', 4))).size, 1);
  assert.match(formatItemReport(inspectItem(index, 'a')), /depth 2 {2}1-2  +2 other items \(same codes: told apart by the digit\)/);
});

test('titles: first present field, display cleaned', () => {
  const catalog: Catalog = {
    items: [
      { id: 'x', fields: { id: 'x', title: '', name: 'Name X', text: 'Text X' } },
      { id: 'y', fields: { id: 'y', text: 'Text Y' } },
      { id: 'z', fields: { id: 'z' } },
    ],
    indexById: new Map([['x', 0], ['y', 1], ['z', 2]]),
    source: 'mem',
  };
  assert.deepEqual(catalogTitles(['y', 'x', 'z', 'missing'], catalog), ['Text Y', 'Name X', null, null]);
  assert.deepEqual(catalogTitles(['x'], catalog, ['text']), ['Text X']);
  assert.equal(displayTitle('Tom&#39;s &amp; Co\n\tBlue  '), "Tom's & Co Blue");
});

test('inspect on real Beauty titles with the LETTER IDs', { skip: withoutShared('beauty/reference_letter_sids.json', 'beauty/items.jsonl') }, async () => {
  const letter = await readLetterIds(path.join(sharedData, 'beauty', 'reference_letter_sids.json'));
  const lines = (await readFile(path.join(sharedData, 'beauty', 'items.jsonl'), 'utf8')).trimEnd().split('\n');
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const catalog: Catalog = {
    items: records.map((r) => ({ id: String(r.id), fields: r })),
    indexById: new Map(records.map((r, i) => [String(r.id), i])),
    source: 'items.jsonl',
  };
  // LETTER key "i" is item id i + 1.
  const ids = Array.from({ length: letter.items }, (_, i) => String(i + 1));
  const three = leadingLevels(letter.codes, letter.items, 4, 3);
  const index = buildInspectIndex({ ids, codes: three, digits: assignCollisionDigits(three, letter.items, 3), levels: 3 }, catalogTitles(ids, catalog));
  const report = inspectItem(index, '1');
  assert.equal(report.item.title, 'OPI Nail Lacquer, Simmer and Shimmer, 0.5-Fluid Ounce');
  assert.deepEqual(report.item.sid.slice(0, 3), [183, 70, 232]);
  let sameFirst = 0;
  for (let i = 0; i < letter.items; i++) if (three[i * 3] === 183) sameFirst++;
  assert.equal(report.depths[0].count, sameFirst - 1);
  assert.equal(inspectPrefix(index, '<a_183>').count, sameFirst);
});
