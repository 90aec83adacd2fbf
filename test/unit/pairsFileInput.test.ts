import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { minePairs, writePairs } from '../../src/engine/pairs';
import { keptPairs, readPairsFile } from '../../src/engine/pairs/readPairsFile';
import { parseExperiment } from '../../src/engine/config';
import { DataError } from '../../src/engine/data/types';
import { Random } from '../../src/engine/util/random';

function sequences(users: number, items: number, seed: number): Int32Array[] {
  const random = new Random(seed); // purpose: synthetic sequences
  return Array.from({ length: users }, () => Int32Array.from({ length: 3 + random.int(8) }, () => random.int(items)));
}

const OPTS = { window: 3, min_count: 2, criterion: 'llr' as const, threshold: 0.5, max_per_item: null };

describe('collab.pairs.file: pairs mined elsewhere', () => {
  test('a pairs.tsv written by a run reads back as the same kept pairs and summary', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-pairs-in-'));
    const ids = Array.from({ length: 40 }, (_, i) => (i === 7 ? 'tab\there' : `item-${i}`));
    const mined = minePairs(sequences(600, 40, 1), 40, OPTS);
    assert.ok(mined.kept > 20, `${mined.kept} kept`);
    await writePairs(dir, mined, ids);
    const read = readPairsFile(path.join(dir, 'pairs.tsv'), ids);
    assert.deepEqual(Array.from(read.a), Array.from(mined.a));
    assert.deepEqual(Array.from(read.b), Array.from(mined.b));
    assert.deepEqual(Array.from(read.k11), Array.from(mined.k11));
    assert.deepEqual(Array.from(read.score), Array.from(mined.score));
    assert.equal(read.contexts, mined.contexts);
    assert.equal(read.candidates, mined.candidates);
    assert.deepEqual(read.histogram, mined.histogram);
    // keptPairs takes the file over the sequences when one is configured.
    assert.deepEqual(Array.from(keptPairs([], ids, { ...OPTS, file: path.join(dir, 'pairs.tsv') }).a), Array.from(mined.a));
  });

  test('bad lines are errors naming file and line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-pairs-in-'));
    const file = path.join(dir, 'pairs.tsv');
    const ids = ['a', 'b', 'c'];
    const cases: [string, RegExp][] = [
      ['a_id\tb_id\tk11\tscore\na\tb\t2\t3.5\na\tzz\t2\t1\n', /pairs\.tsv:3: item 'zz' is not in the catalog/],
      ['a_id\tb_id\tk11\tscore\na\tb\t0\t3.5\n', /pairs\.tsv:2: k11 '0'/],
      ['a_id\tb_id\tk11\tscore\na\tb\t2\tx\n', /pairs\.tsv:2: score 'x'/],
      ['a_id\tb_id\tk11\tscore\na\tb\t2\t1\nb\ta\t2\t1\n', /pairs\.tsv:3: the pair b - a appears twice/],
      ['a\tb\t2\t1\n', /pairs\.tsv:1: expected the header/],
    ];
    for (const [text, message] of cases) {
      fs.writeFileSync(file, text);
      assert.throws(() => readPairsFile(file, ids), (e: unknown) => e instanceof DataError && message.test(e.message));
    }
  });

  test('the key is validated like any path: it must exist', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-pairs-in-'));
    fs.writeFileSync(path.join(dir, 'items.jsonl'), '{"id":"a"}\n');
    const text = 'name: x\ndata: { items: items.jsonl }\ncollab: { weight: 0.5, pairs: { file: missing.tsv } }\n';
    const result = parseExperiment(text, path.join(dir, 'x.yaml'));
    assert.ok(result.problems.some((p) => p.severity === 'error' && /missing\.tsv/.test(p.message)), JSON.stringify(result.problems));
    fs.writeFileSync(path.join(dir, 'pairs.tsv'), 'a_id\tb_id\tk11\tscore\n');
    const ok = parseExperiment(text.replace('missing.tsv', 'pairs.tsv'), path.join(dir, 'x.yaml'));
    assert.equal(ok.config?.collab.pairs.file, path.join(dir, 'pairs.tsv'));
  });
});
