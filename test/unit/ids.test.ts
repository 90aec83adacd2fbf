import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataError } from '../../src/engine/data/types';
import { Random } from '../../src/engine/util/random';
import { assignCollisionDigits, extendCollisionDigits } from '../../src/engine/ids/collisionDigit';
import { leadingLevels } from '../../src/engine/ids/codeMatrix';
import { parseLetterIds, readLetterIds } from '../../src/engine/ids/letterFormat';
import { PrefixIndex, PrefixSyntaxError, formatSid, parsePrefix } from '../../src/engine/ids/prefixIndex';
import { readSemanticIds, writeSemanticIds } from '../../src/engine/ids/semanticIdsFile';
import { sortByTuple, tupleGroups } from '../../src/engine/ids/tupleSort';
import { SHARED_DATA, withoutShared } from '../support/sharedData';

const sharedData = SHARED_DATA;

const rows = (r: number[][]): Int32Array => Int32Array.from(r.flat());

test('collision digits count up within a tuple in catalog order', () => {
  // Items 1, 3 and 4 share (1,2): they get 0, 1, 2 in catalog order even though
  // item 0's tuple (9,9) sorts after theirs.
  const codes = rows([[9, 9], [1, 2], [3, 4], [1, 2], [1, 2], [0, 5], [3, 4]]);
  assert.deepEqual(Array.from(assignCollisionDigits(codes, 7, 2)), [0, 0, 0, 1, 2, 0, 1]);
});

test('collision digits: prefixes shared but tuples distinct get no digit', () => {
  const codes = rows([[1, 2, 3], [1, 2, 4], [1, 3, 3]]);
  assert.deepEqual(Array.from(assignCollisionDigits(codes, 3, 3)), [0, 0, 0]);
  assert.deepEqual(Array.from(assignCollisionDigits(new Int32Array(0), 0, 3)), []);
  assert.throws(() => assignCollisionDigits(new Int32Array(5), 2, 3), /expected 2 x 3 = 6 values, got 5/);
  assert.throws(() => assignCollisionDigits(Int32Array.from([0, -1]), 1, 2), /negative code -1/);
});

test('collision digits for 1M items: fast and equal to a direct count', () => {
  const items = 1_000_000;
  const levels = 3;
  const random = new Random(7);
  const codes = new Int32Array(items * levels);
  // Narrow ranges (64 x 32 x 16 = 32,768 tuples) force many collisions.
  const ranges = [64, 32, 16];
  for (let i = 0; i < codes.length; i++) codes[i] = random.int(ranges[i % levels]);
  const start = performance.now();
  const digits = assignCollisionDigits(codes, items, levels);
  const ms = performance.now() - start;
  console.log(`    assignCollisionDigits: 1,000,000 items x 3 levels in ${ms.toFixed(0)} ms`);
  assert.ok(ms < 5000, `took ${ms} ms`);
  // Independent check: each tuple packs into one integer; count in catalog order.
  const seen = new Int32Array(64 * 32 * 16);
  for (let i = 0; i < items; i++) {
    const key = (codes[i * 3] * 32 + codes[i * 3 + 1]) * 16 + codes[i * 3 + 2];
    if (digits[i] !== seen[key]) assert.fail(`item ${i}: digit ${digits[i]}, expected ${seen[key]}`);
    seen[key]++;
  }
});

test('extendCollisionDigits continues after the largest existing digit', () => {
  const existing = {
    codes: rows([[1, 2], [1, 2], [3, 4], [1, 2]]),
    digits: Int32Array.from([0, 1, 0, 5]), // a gap: 5 is the largest in use
    levels: 2,
  };
  const fresh = rows([[1, 2], [5, 5], [3, 4], [1, 2], [5, 5]]);
  assert.deepEqual(Array.from(extendCollisionDigits(existing, fresh)), [6, 0, 1, 7, 1]);
  assert.deepEqual(Array.from(extendCollisionDigits(existing, new Int32Array(0))), []);
  assert.throws(() => extendCollisionDigits(existing, Int32Array.from([1, 2, 3])), /whole number of 2-level rows/);
});

test('sortByTuple orders lexicographically, stable, also for huge code values', () => {
  const small = rows([[2, 1], [1, 9], [2, 0], [1, 9], [0, 3]]);
  assert.deepEqual(Array.from(sortByTuple(small, 5, 2)), [4, 1, 3, 2, 0]);
  const big = rows([[2 ** 30, 1], [5, 2 ** 29], [5, 3], [2 ** 30, 1]]);
  assert.deepEqual(Array.from(sortByTuple(big, 4, 2)), [2, 1, 0, 3]);
  assert.deepEqual(tupleGroups(small, 5, 2), { distinct: 4, largest: 2 });
});

test('leadingLevels keeps the first columns', () => {
  assert.deepEqual(Array.from(leadingLevels(rows([[1, 2, 3], [4, 5, 6]]), 2, 3, 2)), [1, 2, 4, 5]);
  assert.throws(() => leadingLevels(rows([[1, 2]]), 1, 2, 3), /cannot keep 3 of 2/);
});

test('parsePrefix reads every accepted style', () => {
  assert.deepEqual(parsePrefix('12-4'), [12, 4]);
  assert.deepEqual(parsePrefix('12-4-7-0'), [12, 4, 7, 0]);
  assert.deepEqual(parsePrefix('12,4'), [12, 4]);
  assert.deepEqual(parsePrefix(' 12, 4 '), [12, 4]);
  assert.deepEqual(parsePrefix('12 4'), [12, 4]);
  assert.deepEqual(parsePrefix('[12, 4]'), [12, 4]);
  assert.deepEqual(parsePrefix('7'), [7]);
  assert.deepEqual(parsePrefix('<a_12><b_4>'), [12, 4]);
  assert.deepEqual(parsePrefix('<a_183><b_70><c_232><d_6>'), [183, 70, 232, 6]);
  assert.equal(formatSid([12, 4, 7, 0]), '12-4-7-0');
});

test('parsePrefix errors say what is wrong', () => {
  const fails = (text: string, why: RegExp, maxDepth?: number): void => {
    assert.throws(
      () => parsePrefix(text, maxDepth),
      (err: unknown) => err instanceof PrefixSyntaxError && why.test(err.message) && err.message.includes(JSON.stringify(text)),
      text,
    );
  };
  fails('', /empty/);
  fails('12-x', /"x" is not a code/);
  fails('12--4', /missing between separators/);
  fails('-3', /missing/);
  fails('12-4,7', /mixes separators "-" and ","/);
  fails('12.5', /"12.5" is not a code/);
  fails('[12,4', /unbalanced/);
  fails('<b_4>', /token 1 is <b_\.\.\.>, but level 1 is <a_\.\.\.>/);
  fails('<a_12><c_4>', /token 2 is <c_/);
  fails('<a_12>junk', /cannot read "junk"/);
  fails('99999999999', /too large/);
  fails('1-2-3-4-5', /5 codes, but IDs here have only 4/, 4);
});

test('PrefixIndex finds items by prefix and siblings by depth', () => {
  // Items: 0:(1,2,0) 1:(1,3,0) 2:(1,2,1) 3:(0,0,0) 4:(1,2,2)   (codes, digit)
  const codes = rows([[1, 2], [1, 3], [1, 2], [0, 0], [1, 2]]);
  const digits = assignCollisionDigits(codes, 5, 2);
  const index = new PrefixIndex(codes, digits, 2);
  assert.equal(index.width, 3);
  assert.deepEqual(index.fullId(2), [1, 2, 1]);
  assert.deepEqual(index.itemsWithPrefix([1]), [0, 2, 4, 1]); // in ID order
  assert.deepEqual(index.itemsWithPrefix([1, 2]), [0, 2, 4]);
  assert.deepEqual(index.itemsWithPrefix([1, 2, 1]), [2]);
  assert.deepEqual(index.itemsWithPrefix([2]), []);
  assert.deepEqual(index.itemsWithPrefix([0, 5]), []);
  assert.deepEqual(index.itemsWithPrefix([]), [3, 0, 2, 4, 1]);
  assert.equal(index.countWithPrefix([1, 2]), 3);
  assert.deepEqual(index.siblings(0, 1), [2, 4, 1]);
  assert.deepEqual(index.siblings(0, 2), [2, 4]);
  assert.deepEqual(index.siblings(0, 3), []);
  assert.deepEqual(index.siblings(3, 1), []);
  assert.deepEqual(index.itemsWithPrefix(index.parsePrefix('<a_1><b_2>')), [0, 2, 4]);
  assert.throws(() => index.parsePrefix('1-2-0-0'), /4 codes, but IDs here have only 3/);
  assert.throws(() => index.siblings(5, 1), /item 5 is outside 0..4/);
  assert.throws(() => index.siblings(0, 4), /depth 4 is outside 0..3/);
});

test('semantic_ids.jsonl round trip, written atomically', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'semid-ids-'));
  try {
    const file = path.join(dir, 'semantic_ids.jsonl');
    const ids = ['B004756YJA', 'with "quotes"', 'ünïcödé', '42'];
    const codes = rows([[3, 1, 4], [1, 5, 9], [3, 1, 4], [2, 6, 5]]);
    const digits = assignCollisionDigits(codes, 4, 3);
    await writeSemanticIds(file, ids, codes, digits, 3);
    assert.deepEqual(await readdir(dir), ['semantic_ids.jsonl']); // no temp file left
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    assert.deepEqual(JSON.parse(lines[2]), { id: 'ünïcödé', sid: [3, 1, 4, 1] });
    const back = await readSemanticIds(file);
    assert.deepEqual(back.ids, ids);
    assert.equal(back.levels, 3);
    assert.deepEqual(Array.from(back.codes), Array.from(codes));
    assert.deepEqual(Array.from(back.digits), [0, 0, 1, 0]);

    // More lines than one write chunk, replacing the existing file.
    const n = 20_000;
    const big = new Int32Array(n * 2).map((_, j) => (j * 7919) % 97);
    const bigIds = Array.from({ length: n }, (_, i) => `item-${i}`);
    await writeSemanticIds(file, bigIds, big, assignCollisionDigits(big, n, 2), 2);
    const again = await readSemanticIds(file);
    assert.equal(again.ids.length, n);
    assert.deepEqual(Array.from(again.codes), Array.from(big));
    assert.deepEqual(await readdir(dir), ['semantic_ids.jsonl']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('readSemanticIds reports file:line for malformed lines', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'semid-ids-'));
  try {
    const file = path.join(dir, 'semantic_ids.jsonl');
    const good = '{"id":"a","sid":[1,2,0]}';
    const cases: [string, RegExp][] = [
      [`${good}\n{"id":"b","sid":[1,2,0`, /:2: not valid JSON/],
      [`${good}\n{"id":"b","sid":[1,2,3,0]}`, /:2: "sid" has 4 values, but earlier lines have 3/],
      [`${good}\n\n{"id":"a","sid":[1,3,0]}`, /:3: id "a" already appeared on line 1/],
      [`{"id":"a","sid":[1,-2,0]}`, /:1: "sid"\[1\] = -2 is not a non-negative integer/],
      [`{"id":7,"sid":[1,2,0]}`, /:1: "id" must be a string/],
      [`{"id":"a","sid":[1]}`, /:1: "sid" needs at least one code and the digit/],
      [`[1,2]`, /:1: expected an object/],
      [`\n\n`, /no semantic IDs/],
    ];
    for (const [text, why] of cases) {
      await writeFile(file, text);
      await assert.rejects(readSemanticIds(file), (err: unknown) => err instanceof DataError && why.test(err.message) && err.message.startsWith(file), text);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('LETTER index format: token lists or strings, checked', () => {
  const ids = parseLetterIds({ '1': '<a_3><b_0>', '0': ['<a_1>', '<b_7>'] }, 'x.json');
  assert.deepEqual(ids, { items: 2, levels: 2, codes: Int32Array.from([1, 7, 3, 0]), observedSizes: [4, 8] });
  assert.throws(() => parseLetterIds({ '0': ['<a_1>'], '2': ['<a_1>'] }, 'x.json'), /x\.json: key "2": keys must be the positions 0..1/);
  assert.throws(() => parseLetterIds({ '0': ['<b_1>'] }, 'x.json'), /key "0": token 1 is <b_/);
  assert.throws(() => parseLetterIds({ '0': ['<a_1>'], '1': ['<a_1>', '<b_2>'] }, 'x.json'), /key "1" has 2 codes, key "0" has 1/);
  assert.throws(() => parseLetterIds({ '0': 5 }, 'x.json'), /expected a list of "<a_N>" tokens/);
  assert.throws(() => parseLetterIds([], 'x.json'), /expected an object/);
});

test('LETTER reference IDs for Beauty (real file)', { skip: withoutShared('beauty/reference_letter_sids.json') }, async () => {
  const letter = await readLetterIds(path.join(sharedData, 'beauty', 'reference_letter_sids.json'));
  assert.equal(letter.items, 12101);
  assert.equal(letter.levels, 4);
  assert.deepEqual(Array.from(letter.codes.subarray(0, 8)), [183, 70, 232, 6, 183, 122, 96, 235]);
  assert.deepEqual(letter.observedSizes, [256, 256, 256, 256]);
  // Distinct tuples, counted independently with string keys (small enough here).
  const keys3 = new Set<string>();
  for (let i = 0; i < letter.items; i++) keys3.add(Array.from(letter.codes.subarray(i * 4, i * 4 + 3)).join(','));
  assert.equal(tupleGroups(leadingLevels(letter.codes, letter.items, 4, 3), letter.items, 3).distinct, keys3.size);
});
