import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataError } from '../../src/engine/data/types';
import { readLines } from '../../src/engine/data/lineReader';
import { readJsonEntries, type JsonEntry } from '../../src/engine/data/jsonEntries';
import { loadEmbeddings } from '../../src/engine/data/embeddings';
import { loadCatalog } from '../../src/engine/data/catalog';
import { loadItemIndex } from '../../src/engine/data/itemIndex';
import { loadInteractions } from '../../src/engine/data/interactions';
import { loadDataset, alignEmbeddings } from '../../src/engine/data/dataset';
import type { ExperimentConfig } from '../../src/engine/config/experiment';
import { SHARED_DATA, withoutShared } from '../support/sharedData';

const repoRoot = path.resolve(__dirname, '..', '..');
const sharedData = SHARED_DATA;
// The bundled example is the real Scientific set (the same files as ../shared/data/scientific).
const scientificData = path.join(repoRoot, 'examples', 'scientific', 'data');

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'semid-data-test-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a temp file and returns its path. */
function write(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** Asserts a DataError whose message matches, e.g. /bad\.jsonl:3: invalid JSON/. */
async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

async function collectLines(file: string, chunkBytes?: number): Promise<[number, string][]> {
  const out: [number, string][] = [];
  for await (const { text, lineNo } of readLines(file, { chunkBytes })) out.push([lineNo, text]);
  return out;
}

function npy(descr: string, shape: number[], payload: Uint8Array, options: { fortran?: boolean; version?: 1 | 2 } = {}): Buffer {
  const version = options.version ?? 1;
  const prefix = version === 1 ? 10 : 12;
  const shapeText = shape.join(', ') + (shape.length === 1 ? ',' : '');
  let dict = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': (${shapeText}), }`;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const head = Buffer.alloc(prefix);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = version;
  if (version === 1) head.writeUInt16LE(dict.length, 8);
  else head.writeUInt32LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)]);
}

function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function dataConfig(overrides: Partial<ExperimentConfig['data']>): ExperimentConfig['data'] {
  return {
    items: '',
    id_field: 'id',
    text_fields: ['title'],
    embeddings: null,
    embedding_dim: null,
    item_index: null,
    interactions: null,
    ...overrides,
  };
}

describe('readLines', () => {
  it('numbers lines from 1, strips \\r\\n and a BOM, keeps empty lines and a last line without \\n', async () => {
    const file = write('lines.txt', '\ufeffa\r\n\nb c\r\nlast');
    assert.deepEqual(await collectLines(file), [
      [1, 'a'],
      [2, ''],
      [3, 'b c'],
      [4, 'last'],
    ]);
  });

  it('joins lines and multi-byte characters that straddle chunk boundaries', async () => {
    const long = 'é€😀x'.repeat(500);
    const file = write('straddle.txt', `${long}\nshort\n${long}\r\n`);
    const lines = await collectLines(file, 7);
    assert.deepEqual(lines, [
      [1, long],
      [2, 'short'],
      [3, long],
    ]);
  });

  it('yields nothing for an empty file', async () => {
    assert.deepEqual(await collectLines(write('empty.txt', '')), []);
  });
});

describe('readJsonEntries', () => {
  async function collect(file: string, chunkBytes?: number): Promise<JsonEntry[]> {
    const out: JsonEntry[] = [];
    for await (const entry of readJsonEntries(file, { chunkBytes })) out.push(entry);
    return out;
  }

  it('cuts entries the same way whatever the chunk size (strings with brackets, escapes, multi-byte text)', async () => {
    const text = '\ufeff{\n "a\\"}": {"t": "x, ] } \\\\", "n": [1, {"z": []}]},\r\n "é€😀": "v",\n\n "": null }\n';
    const file = write('entries.json', text);
    const expected: JsonEntry[] = [
      { key: 'a"}', value: { t: 'x, ] } \\', n: [1, { z: [] }] }, line: 2 },
      { key: 'é€😀', value: 'v', line: 3 },
      { key: '', value: null, line: 5 },
    ];
    for (const chunkBytes of [1, 2, 3, 5, 64, undefined]) assert.deepEqual(await collect(file, chunkBytes), expected, String(chunkBytes));
    const array = write('entries2.json', ' [ 1 ,\n"two", [3] ]');
    assert.deepEqual(await collect(array, 2), [
      { key: null, value: 1, line: 1 },
      { key: null, value: 'two', line: 2 },
      { key: null, value: [3], line: 2 },
    ]);
  });

  it('matches JSON.parse on a real file read in small chunks', { skip: withoutShared('microlens/Microlens.item.json') }, async () => {
    const file = path.join(sharedData, 'microlens', 'Microlens.item.json');
    const reference = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const entries = await collect(file, 4096);
    assert.equal(entries.length, Object.keys(reference).length);
    for (const { key, value } of entries) assert.deepEqual(value, reference[key ?? '']);
  });
});

describe('loadEmbeddings: .npy', () => {
  it('reads float32 C-order arrays (format versions 1 and 2)', async () => {
    const values = [1, 2, 3, 4, 5, 6.5];
    for (const version of [1, 2] as const) {
      const file = write(`ok${version}.npy`, npy('<f4', [3, 2], f32Bytes(values), { version }));
      const m = await loadEmbeddings(file, { dim: null });
      assert.equal(m.rows, 3);
      assert.equal(m.dim, 2);
      assert.deepEqual(Array.from(m.data), values);
      assert.equal(m.ids, null);
    }
  });

  it('widens float16 to float32, including subnormals', async () => {
    const halves = Uint16Array.from([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x0000]);
    const file = write('half.npy', npy('<f2', [2, 3], new Uint8Array(halves.buffer)));
    const m = await loadEmbeddings(file, { dim: 3 });
    assert.deepEqual(Array.from(m.data), [1, -2, 0.5, 65504, 2 ** -24, 0]);
  });

  it('refuses fortran order, other dtypes, big-endian, non-2-D shapes, truncation and a dim mismatch', async () => {
    const payload = f32Bytes([1, 2, 3, 4]);
    await rejectsWith(loadEmbeddings(write('fortran.npy', npy('<f4', [2, 2], payload, { fortran: true })), { dim: null }), /fortran\.npy: .*Fortran/);
    await rejectsWith(loadEmbeddings(write('f8.npy', npy('<f8', [1, 2], payload)), { dim: null }), /f8\.npy: dtype '<f8' is not supported/);
    await rejectsWith(loadEmbeddings(write('be.npy', npy('>f4', [2, 2], payload)), { dim: null }), /be\.npy: dtype '>f4' is big-endian/);
    await rejectsWith(loadEmbeddings(write('3d.npy', npy('<f4', [1, 2, 2], payload)), { dim: null }), /3d\.npy: .*expected a 2-D array/);
    await rejectsWith(loadEmbeddings(write('1d.npy', npy('<f4', [4], payload)), { dim: null }), /1d\.npy: .*expected a 2-D array/);
    await rejectsWith(loadEmbeddings(write('short.npy', npy('<f4', [3, 2], payload)), { dim: null }), /short\.npy: file is truncated: expected 24 bytes.*found 16/);
    await rejectsWith(loadEmbeddings(write('dim.npy', npy('<f4', [2, 2], payload)), { dim: 3 }), /dim\.npy: the array has 2 columns, but data\.embedding_dim is 3/);
    await rejectsWith(loadEmbeddings(write('nomagic.npy', 'hello world, not numpy'), { dim: null }), /nomagic\.npy: not a \.npy file/);
  });

  it('refuses NaN/Inf rows, naming the count and the first rows', async () => {
    const values = [0, 0, NaN, 1, 2, 3, 4, Infinity, 5, 6, -Infinity, NaN];
    const file = write('nan.npy', npy('<f4', [6, 2], f32Bytes(values)));
    await rejectsWith(loadEmbeddings(file, { dim: null }), /nan\.npy: 3 embedding rows contain NaN or Inf values \(first: rows 1, 3, 5, counted from 0\)/);
  });
});

describe('loadEmbeddings: raw .f32', () => {
  it('reads rows of data.embedding_dim float32 values', async () => {
    const file = write('raw.f32', f32Bytes([1, 2, 3, 4, 5, 6]));
    const m = await loadEmbeddings(file, { dim: 3 });
    assert.equal(m.rows, 2);
    assert.deepEqual(Array.from(m.data), [1, 2, 3, 4, 5, 6]);
  });

  it('needs a dim that divides the file size', async () => {
    const file = write('raw2.f32', f32Bytes([1, 2, 3, 4, 5, 6]));
    await rejectsWith(loadEmbeddings(file, { dim: null }), /raw2\.f32: raw \.f32 embeddings have no shape: set data\.embedding_dim/);
    await rejectsWith(loadEmbeddings(file, { dim: 4 }), /raw2\.f32: file size 24 bytes is not a whole number of rows of 4 float32 values/);
  });
});

describe('loadEmbeddings: .jsonl', () => {
  it('reads bare arrays and objects with an id and embedding / vector / emb', async () => {
    const bare = await loadEmbeddings(write('bare.jsonl', '[1, 2]\n\n[3, 4.5]\n'), { dim: null });
    assert.deepEqual([bare.rows, bare.dim, Array.from(bare.data), bare.ids], [2, 2, [1, 2, 3, 4.5], null]);
    const keyed = await loadEmbeddings(
      write('keyed.jsonl', '{"id": "a", "embedding": [1, 2]}\n{"id": 7, "vector": [3, 4]}\n{"id": "c", "emb": [5, 6]}\n'),
      { dim: 2 },
    );
    assert.deepEqual(keyed.ids, ['a', '7', 'c']);
    assert.deepEqual(Array.from(keyed.data), [1, 2, 3, 4, 5, 6]);
  });

  it('names file:line and both dims when a row has another dimension', async () => {
    await rejectsWith(loadEmbeddings(write('dims.jsonl', '[1, 2, 3]\n[1, 2, 3]\n[1, 2]\n'), { dim: null }), /dims\.jsonl:3: row has 2 values, but the first row \(line 1\) has 3/);
    await rejectsWith(loadEmbeddings(write('dimcfg.jsonl', '[1, 2, 3]\n'), { dim: 4 }), /dimcfg\.jsonl:1: row has 3 values, but data\.embedding_dim has 4/);
  });

  it('refuses rows with NaN/Inf (Python json.dumps spelling) naming the count and lines', async () => {
    const text = '[1, 2]\n[NaN, 1]\n[3, 4]\n[Infinity, -Infinity]\n';
    await rejectsWith(loadEmbeddings(write('nanrows.jsonl', text), { dim: null }), /nanrows\.jsonl: 2 embedding rows contain NaN or Inf values \(first: lines 2, 4\)/);
  });

  it('reports invalid JSON, missing vectors, non-numbers and duplicate ids at file:line', async () => {
    await rejectsWith(loadEmbeddings(write('badjson.jsonl', '[1, 2]\n[1, 2\n'), { dim: null }), /badjson\.jsonl:2: invalid JSON/);
    await rejectsWith(loadEmbeddings(write('novec.jsonl', '{"id": "a", "values": [1]}\n'), { dim: null }), /novec\.jsonl:1: no vector/);
    await rejectsWith(loadEmbeddings(write('nonnum.jsonl', '[1, 2]\n[1, "2"]\n'), { dim: null }), /nonnum\.jsonl:2: value 2 is "2", not a number/);
    await rejectsWith(loadEmbeddings(write('dupid.jsonl', '{"id": "a", "emb": [1]}\n{"id": "b", "emb": [1]}\n{"id": "a", "emb": [2]}\n'), { dim: null }), /dupid\.jsonl:3: duplicate id 'a' \(also on line 1\)/);
  });
});

describe('loadEmbeddings: .csv', () => {
  it('reads numeric rows without a header', async () => {
    const m = await loadEmbeddings(write('plain.csv', '1,2,3\n4,5,6\n'), { dim: null });
    assert.deepEqual([m.rows, m.dim, Array.from(m.data), m.ids], [2, 3, [1, 2, 3, 4, 5, 6], null]);
  });

  it('takes a non-numeric first column, or a header naming an id column, as ids', async () => {
    const named = await loadEmbeddings(write('ids.csv', 'B001,1,2\nB002,3,4\n'), { dim: null });
    assert.deepEqual([named.dim, named.ids, Array.from(named.data)], [2, ['B001', 'B002'], [1, 2, 3, 4]]);
    const header = await loadEmbeddings(write('header.csv', 'item_id,e0,e1\n10,1,2\n"11",3,4\n'), { dim: null });
    assert.deepEqual([header.dim, header.ids, Array.from(header.data)], [2, ['10', '11'], [1, 2, 3, 4]]);
    const noIds = await loadEmbeddings(write('header2.csv', 'e0,e1\n1,2\n3,4\n'), { dim: null });
    assert.deepEqual([noIds.dim, noIds.ids], [2, null]);
  });

  it('reports non-numbers, dim changes and NaN rows', async () => {
    await rejectsWith(loadEmbeddings(write('nonnum.csv', '1,2\n3,x\n'), { dim: null }), /nonnum\.csv:2: column 2: 'x' is not a number/);
    await rejectsWith(loadEmbeddings(write('dims.csv', '1,2\n3,4,5\n'), { dim: null }), /dims\.csv:2: row has 3 values, but the first row \(line 1\) has 2/);
    await rejectsWith(loadEmbeddings(write('nan.csv', 'a,1,2\nb,nan,2\nc,1,inf\nd,0,0\n'), { dim: null }), /nan\.csv: 2 embedding rows contain NaN or Inf values \(first: lines 2, 3\)/);
  });

  it('refuses unknown formats', async () => {
    await rejectsWith(loadEmbeddings(write('x.parquet', ''), { dim: null }), /x\.parquet: unsupported embeddings format '\.parquet'/);
  });
});

describe('loadCatalog', () => {
  it('reads .jsonl with string ids, passing HTML entities and raw tabs in strings through', async () => {
    const file = write(
      'items.jsonl',
      '{"id": 1, "title": "Tom &amp; Jerry&#39;s"}\n\n{"id": "2", "title": "a\tb", "tags": ["x", "y"]}\n',
    );
    const catalog = await loadCatalog(file, 'id');
    assert.deepEqual(catalog.items.map((i) => i.id), ['1', '2']);
    assert.equal(catalog.items[0].fields.title, 'Tom &amp; Jerry&#39;s');
    assert.equal(catalog.items[1].fields.title, 'a\tb');
    assert.deepEqual(catalog.items[1].fields.tags, ['x', 'y']);
    assert.equal(catalog.indexById.get('2'), 1);
    assert.equal(catalog.source, file);
  });

  it('reports invalid JSON, a missing id field and duplicate ids at file:line', async () => {
    await rejectsWith(loadCatalog(write('bad.jsonl', '{"id": 1}\n{"id": 2}\n{"id": 3,\n'), 'id'), /bad\.jsonl:3: invalid JSON/);
    await rejectsWith(loadCatalog(write('noid.jsonl', '{"id": 1}\n{"name": 2}\n'), 'id'), /noid\.jsonl:2: missing id field 'id'/);
    await rejectsWith(loadCatalog(write('dup.jsonl', '{"id": 1}\n{"id": 2}\n\n{"id": "1"}\n'), 'id'), /dup\.jsonl:4: duplicate id '1' \(first on line 1\)/);
    await rejectsWith(loadCatalog(write('notobj.jsonl', '[1, 2]\n'), 'id'), /notobj\.jsonl:1: expected a JSON object/);
  });

  it('reads .json keyed by id (id from the key) and arrays of records', async () => {
    const keyed = await loadCatalog(write('keyed.json', '{\n  "b": {"title": "B, \\"quoted\\" {x}"},\n  "a": {"title": "[A]"}\n}\n'), 'id');
    assert.deepEqual(keyed.items, [
      { id: 'b', fields: { title: 'B, "quoted" {x}' } },
      { id: 'a', fields: { title: '[A]' } },
    ]);
    const array = await loadCatalog(write('array.json', '[{"id": 5, "t": 1}, {"id": 6, "t": 2}]'), 'id');
    assert.deepEqual(array.items.map((i) => i.id), ['5', '6']);
    const empty = loadCatalog(write('empty.json', '{}'), 'id');
    await rejectsWith(empty, /empty\.json: the catalog has no items/);
  });

  it('reports .json errors at the line of the entry', async () => {
    await rejectsWith(loadCatalog(write('dupkey.json', '{\n"a": {},\n"b": {},\n"a": {}\n}'), 'id'), /dupkey\.json:4: duplicate id 'a' \(first on line 2\)/);
    await rejectsWith(loadCatalog(write('badentry.json', '{\n"a": {},\n"b": {"t": }\n}'), 'id'), /badentry\.json:3: invalid JSON/);
    await rejectsWith(loadCatalog(write('noid.json', '[\n{"id": 1},\n{"x": 1}\n]'), 'id'), /noid\.json:3: missing id field 'id'/);
    await rejectsWith(loadCatalog(write('unclosed.json', '{"a": {}'), 'id'), /unclosed\.json:1: unexpected end of file/);
    await rejectsWith(loadCatalog(write('comma.json', '{"a": {},\n}'), 'id'), /comma\.json:2: invalid JSON: empty entry/);
    await rejectsWith(loadCatalog(write('trailing.json', '{"a": {}}\n{"b": {}}'), 'id'), /trailing\.json:2: unexpected text after the end/);
  });

  it('reads .csv with RFC 4180 quoting, including line breaks inside quotes', async () => {
    const file = write('items.csv', 'id,title,brand\r\n1,"Tape, 2"" wide",3M\r\n2,"two\r\nlines",\r\n3,plain,"x"\r\n');
    const catalog = await loadCatalog(file, 'id');
    assert.deepEqual(
      catalog.items.map((i) => [i.id, i.fields.title, i.fields.brand]),
      [
        ['1', 'Tape, 2" wide', '3M'],
        ['2', 'two\nlines', ''],
        ['3', 'plain', 'x'],
      ],
    );
    // The record after the two-line one starts on line 5.
    await rejectsWith(loadCatalog(write('cols.csv', 'id,title\n1,"a\nb"\n2,b,c\n'), 'id'), /cols\.csv:4: row has 3 columns, but the header has 2/);
    await rejectsWith(loadCatalog(write('quote.csv', 'id,title\n1,"never closed\n'), 'id'), /quote\.csv:2: unterminated quoted field/);
    await rejectsWith(loadCatalog(write('noidcol.csv', 'asin,title\n1,a\n'), 'id'), /noidcol\.csv:1: missing id field 'id': the header has 'asin', 'title'/);
    await rejectsWith(loadCatalog(write('dup.csv', 'id,title\n1,a\n2,b\n1,c\n'), 'id'), /dup\.csv:4: duplicate id '1' \(first on line 2\)/);
  });

  it('reads .tsv and RecBole .text, stripping :type suffixes from header names', async () => {
    const tsv = await loadCatalog(write('items.tsv', 'id\ttitle\na\tTom &amp; "Jerry"\n'), 'id');
    assert.deepEqual(tsv.items, [{ id: 'a', fields: { id: 'a', title: 'Tom &amp; "Jerry"' } }]);
    const textFile = write('X.text', 'item_id:token\ttext:token_seq\nB01\tGlue, 8 oz. \nB02\tTape\n');
    for (const idField of ['item_id', 'item_id:token']) {
      const text = await loadCatalog(textFile, idField);
      assert.deepEqual(text.items[0], { id: 'B01', fields: { item_id: 'B01', text: 'Glue, 8 oz. ' } });
      assert.equal(text.items.length, 2);
    }
    await rejectsWith(loadCatalog(write('cols.tsv', 'id\ttitle\na\tb\tc\n'), 'id'), /cols\.tsv:2: row has 3 columns, but the header has 2/);
  });
});

describe('loadItemIndex', () => {
  it('maps ids to indices, with or without a header', async () => {
    const plain = await loadItemIndex(write('a.item2index', 'B01\t1\nB02\t0\n'));
    assert.deepEqual([...plain], [['B01', 1], ['B02', 0]]);
    const headed = await loadItemIndex(write('b.item2index', 'item_id:token\tindex:token\nB01\t0\n'));
    assert.deepEqual([...headed], [['B01', 0]]);
  });

  it('reports duplicates and non-integers at file:line', async () => {
    await rejectsWith(loadItemIndex(write('dupid.item2index', 'a\t0\nb\t1\na\t2\n')), /dupid\.item2index:3: duplicate id 'a' \(also on line 1\)/);
    await rejectsWith(loadItemIndex(write('dupix.item2index', 'a\t0\nb\t1\nc\t1\n')), /dupix\.item2index:3: duplicate index 1 \(also on line 2\)/);
    await rejectsWith(loadItemIndex(write('float.item2index', 'a\t0\nb\t1.5\n')), /float\.item2index:2: index '1\.5' is not a non-negative integer/);
    await rejectsWith(loadItemIndex(write('neg.item2index', 'a\t-1\n')), /neg\.item2index:1: index '-1' is not a non-negative integer/);
    await rejectsWith(loadItemIndex(write('cols.item2index', 'a\t0\nb\t1\t2\n')), /cols\.item2index:2: expected 2 columns/);
  });
});

describe('loadInteractions', () => {
  let catalog: Awaited<ReturnType<typeof loadCatalog>>;
  before(async () => {
    // Catalog positions: a=0, b=1, c=2, d=3, e=4.
    catalog = await loadCatalog(write('cat.jsonl', ['a', 'b', 'c', 'd', 'e'].map((id) => JSON.stringify({ id })).join('\n')), 'id');
  });

  it('splits .txt sequences leave-one-out, keeping what fits for short users', async () => {
    const file = write('seq.txt', 'u1 a b c d\nu2 e a\r\n\nu3 c\nu4 b c d\n');
    const { sequences, warnings } = await loadInteractions(file, catalog, null);
    assert.deepEqual(sequences.users, ['u1', 'u2', 'u3', 'u4']);
    assert.deepEqual(sequences.train.map((t) => Array.from(t)), [[0, 1], [4], [2], [1]]);
    assert.deepEqual(Array.from(sequences.valid), [2, -1, -1, 2]);
    assert.deepEqual(Array.from(sequences.test), [3, 0, -1, 3]);
    assert.deepEqual(warnings, []);
  });

  it('drops ids missing from the catalog with a warning, and refuses a majority of them', async () => {
    const file = write('missing.txt', 'u1 a zz b c d\nu2 qq e\nu3 zz\n');
    const { sequences, warnings } = await loadInteractions(file, catalog, null);
    assert.deepEqual(sequences.users, ['u1', 'u2']);
    assert.deepEqual(sequences.train.map((t) => Array.from(t)), [[0, 1], [4]]);
    assert.deepEqual(Array.from(sequences.test), [3, -1]);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /missing\.txt: 3 of 8 interactions name item ids not in the catalog \(e\.g\. 'zz', 'qq'\); they were dropped/);
    assert.match(warnings[1], /1 user\(s\) with no known items were skipped/);
    await rejectsWith(loadInteractions(write('wrong.txt', 'u1 1 2 3\nu2 4 a\n'), catalog, null), /wrong\.txt: 4 of 5 interactions name item ids not in the catalog \(e\.g\. '1', '2', '3', '4'\): do the ids use another id space/);
  });

  it('refuses a repeated user, naming both lines', async () => {
    await rejectsWith(loadInteractions(write('dupuser.txt', 'u1 a b\nu2 c\nu1 d\n'), catalog, null), /dupuser\.txt:3: user 'u1' appears again \(first on line 1\)/);
  });

  it('splits JSON {user: [items]} leave-one-out, numbers as ids', async () => {
    const numeric = await loadCatalog(write('numcat.json', '{"0": {}, "1": {}, "2": {}, "3": {}}'), 'id');
    const file = write('inter.json', '{"7": [0, 1, 2, 3], "8": ["3", 2]}');
    const { sequences } = await loadInteractions(file, numeric, null);
    assert.deepEqual(sequences.users, ['7', '8']);
    assert.deepEqual(sequences.train.map((t) => Array.from(t)), [[0, 1], [3]]);
    assert.deepEqual(Array.from(sequences.valid), [2, -1]);
    assert.deepEqual(Array.from(sequences.test), [3, 2]);
    await rejectsWith(loadInteractions(write('notarray.json', '{\n"7": [0],\n"8": 3\n}'), numeric, null), /notarray\.json:3: the items of user '8' are not an array/);
  });

  describe('RecBole .inter', () => {
    // Item index: index 0 -> 'e', 1 -> 'd', 2 -> 'c', 3 -> 'b', 4 -> 'a'.
    const itemIndex = new Map([['e', 0], ['d', 1], ['c', 2], ['b', 3], ['a', 4]]);
    const header = 'user_id:token\titem_id_list:token_seq\titem_id:token\n';
    let base = '';
    before(() => {
      base = path.join(dir, 'R');
      write('R.test.inter', `${header}u1\t0 1 2\t3\nu2\t4 0\t1\n`);
      write('R.valid.inter', `${header}u1\t0 1\t2\nu2\t4\t0\nu3\t2\t3\n`);
      write('R.train.inter', `${header}u1\t0\t1\nu2\t\t4\nu4\t1\t2\nu4\t1 2\t3\nu4\t1\t2\n`);
    });

    it('uses the given split from any sibling, mapping indices through the item index', async () => {
      for (const name of ['R.test.inter', 'R.train.inter', 'R.valid.inter', 'R.inter']) {
        const { sequences, warnings } = await loadInteractions(path.join(dir, name), catalog, itemIndex);
        assert.deepEqual(sequences.users, ['u1', 'u2', 'u3', 'u4'], name);
        // u1: train [e, d] valid c test b; u2: train [a] valid e test d; u3 valid only; u4 train only (longest prefix + item).
        assert.deepEqual(sequences.train.map((t) => Array.from(t)), [[4, 3], [0], [2], [3, 2, 1]]);
        assert.deepEqual(Array.from(sequences.valid), [2, 4, 1, -1]);
        assert.deepEqual(Array.from(sequences.test), [1, 3, -1, -1]);
        assert.deepEqual(warnings, []);
      }
    });

    it('reads catalog ids when there is no item index', async () => {
      const idCatalog = await loadCatalog(write('idcat.jsonl', '{"id": "0"}\n{"id": "1"}\n{"id": "2"}\n{"id": "3"}\n{"id": "4"}\n'), 'id');
      const { sequences } = await loadInteractions(`${base}.test.inter`, idCatalog, null);
      assert.deepEqual(Array.from(sequences.test), [3, 1, -1, -1]);
    });

    it('warns when the test history does not extend the validation row', async () => {
      write('S.test.inter', `${header}u1\t0 1 3\t3\n`);
      write('S.valid.inter', `${header}u1\t0 1\t2\n`);
      const { warnings } = await loadInteractions(path.join(dir, 'S.test.inter'), catalog, itemIndex);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /S\.test\.inter: for 1 user\(s\) the test history is not the validation history \+ validation item \(e\.g\. 'u1' \(line 2\)\)/);
    });

    it('reports a missing sibling, a bad header, a repeated user and a wrong column count', async () => {
      write('T.test.inter', `${header}u1\t0\t1\n`);
      await rejectsWith(loadInteractions(path.join(dir, 'T.test.inter'), catalog, itemIndex), /T\.test\.inter: a RecBole split needs .*missing: .*T\.valid\.inter/);
      write('H.test.inter', 'user_id:token\titem_id:token\nu1\t0\n');
      write('H.valid.inter', `${header}u1\t0\t1\n`);
      await rejectsWith(loadInteractions(path.join(dir, 'H.test.inter'), catalog, itemIndex), /H\.test\.inter:1: missing column 'item_id_list' in the header/);
      write('D.test.inter', `${header}u1\t0\t1\nu1\t0 1\t2\n`);
      write('D.valid.inter', `${header}u1\t0\t1\n`);
      await rejectsWith(loadInteractions(path.join(dir, 'D.test.inter'), catalog, itemIndex), /D\.test\.inter:3: user 'u1' has a second row \(first on line 2\)/);
      write('C.test.inter', `${header}u1\t0\t1\t9\n`);
      write('C.valid.inter', `${header}u1\t0\t1\n`);
      await rejectsWith(loadInteractions(path.join(dir, 'C.test.inter'), catalog, itemIndex), /C\.test\.inter:2: row has 4 columns, but the header has 3/);
    });

    it('refuses indices that are mostly outside the item index', async () => {
      write('W.test.inter', `${header}u1\t7 8 9\t10\n`);
      write('W.valid.inter', `${header}u1\t7 8\t9\n`);
      await rejectsWith(loadInteractions(path.join(dir, 'W.test.inter'), catalog, itemIndex), /W\.test\.inter: 4 of 4 interactions name item indices not in the item index/);
    });

    it('reads a lone atomic .inter by timestamp, leave-one-out', async () => {
      const file = write('A.inter', 'user_id:token\titem_id:token\ttimestamp:float\nu1\t2\t30\nu1\t0\t10\nu1\t1\t20\nu1\t3\t40\n');
      const { sequences } = await loadInteractions(file, catalog, itemIndex);
      assert.deepEqual(sequences.train.map((t) => Array.from(t)), [[4, 3]]);
      assert.deepEqual([sequences.valid[0], sequences.test[0]], [2, 1]);
    });
  });
});

describe('loadDataset', () => {
  it('aligns embeddings to the catalog through the item index', async () => {
    const items = write('ds.jsonl', '{"id": "x"}\n{"id": "y"}\n{"id": "z"}\n');
    const index = write('ds.item2index', 'z\t0\nx\t1\ny\t2\n');
    const emb = write('ds.f32', f32Bytes([0, 0, 1, 1, 2, 2]));
    const ds = await loadDataset(dataConfig({ items, item_index: index, embeddings: emb, embedding_dim: 2 }));
    assert.deepEqual(ds.embeddings && Array.from(ds.embeddings.data), [1, 1, 2, 2, 0, 0]);
    assert.equal(ds.embeddings?.rows, 3);
    assert.equal(ds.interactions, null);
    const short = write('ds2.item2index', 'z\t0\nx\t5\ny\t7\n');
    // A raw file too short for the index is refused on its size, before any row is read.
    await rejectsWith(
      loadDataset(dataConfig({ items, item_index: short, embeddings: emb, embedding_dim: 2 })),
      /ds\.f32: data\.embedding_dim is 2, but this raw \.f32 file has 24 bytes; data\.item_index \(.*ds2\.item2index, rows up to 7\) needs 8 rows: expected 8 x 2 float32 = 64 bytes; no whole number/,
    );
    // Formats with a shape get the row check itself.
    const catalog = await loadCatalog(items, 'id');
    assert.throws(
      () => alignEmbeddings(emb, { rows: 3, dim: 2, data: new Float32Array(6), ids: null }, catalog, new Map([['z', 0], ['x', 5], ['y', 7]]), short, []),
      /ds\.f32: 2 catalog item\(s\) have no embedding: no row in .*ds2\.item2index within the 3 rows \(e\.g\. 'x' \(row 5\), 'y' \(row 7\)\)/,
    );
  });

  it('aligns by id when the embeddings carry ids, and needs equal counts otherwise', async () => {
    const items = write('ds3.jsonl', '{"id": "x"}\n{"id": "y"}\n');
    const byId = write('ds3.jsonl.emb.jsonl', '{"id": "q", "emb": [9]}\n{"id": "y", "emb": [2]}\n{"id": "x", "emb": [1]}\n');
    const ds = await loadDataset(dataConfig({ items, embeddings: byId }));
    assert.deepEqual(ds.embeddings && Array.from(ds.embeddings.data), [1, 2]);
    assert.deepEqual(ds.warnings.length, 1);
    assert.match(ds.warnings[0], /1 embedding row\(s\) have ids not in the catalog/);
    const missing = write('ds3m.emb.jsonl', '{"id": "y", "emb": [2]}\n');
    await rejectsWith(loadDataset(dataConfig({ items, embeddings: missing })), /ds3m\.emb\.jsonl: 1 catalog item\(s\) have no embedding: no row with their id \(e\.g\. 'x'\)/);
    const rows = write('ds3.npy', npy('<f4', [3, 1], f32Bytes([1, 2, 3])));
    await rejectsWith(loadDataset(dataConfig({ items, embeddings: rows })), /ds3\.npy: 3 embedding rows but 2 catalog items/);
  });
});

describe('real data sets', () => {
  it('Scientific: RecBole .text + .item2index + .f32 + the given .inter split', async () => {
    const sci = scientificData;
    const ds = await loadDataset(
      dataConfig({
        items: path.join(sci, 'Scientific.text'),
        id_field: 'item_id',
        text_fields: ['text'],
        embeddings: path.join(sci, 'Scientific.emb512.f32'),
        embedding_dim: 512,
        item_index: path.join(sci, 'Scientific.item2index'),
        interactions: path.join(sci, 'Scientific.test.inter'),
      }),
    );
    assert.equal(ds.catalog.items.length, 1585);
    assert.deepEqual(ds.warnings, []);
    const emb = ds.embeddings;
    assert.ok(emb);
    assert.equal(emb.rows, 1585);
    assert.equal(emb.dim, 512);

    // Every catalog row equals row item2index[asin] of the raw file.
    const rawBytes = readFileSync(path.join(sci, 'Scientific.emb512.f32'));
    const raw = new Float32Array(rawBytes.buffer.slice(rawBytes.byteOffset, rawBytes.byteOffset + rawBytes.byteLength));
    const indexOf = new Map<string, number>();
    const indexToAsin = new Map<number, string>();
    for (const line of readFileSync(path.join(sci, 'Scientific.item2index'), 'utf8').trim().split('\n')) {
      const [asin, index] = line.split('\t');
      indexOf.set(asin, Number(index));
      indexToAsin.set(Number(index), asin);
    }
    let moved = 0;
    ds.catalog.items.forEach((item, i) => {
      const row = indexOf.get(item.id);
      assert.ok(row !== undefined, item.id);
      if (row !== i) moved += 1;
      assert.deepEqual(emb.data.subarray(i * 512, (i + 1) * 512), raw.subarray(row * 512, (row + 1) * 512), item.id);
    });
    assert.ok(moved > 1000, 'the .text rows are not in index order, so alignment must move rows');
    assert.match(String(ds.catalog.items[0].fields.text), /Gorilla/);

    // The split is the given one: train = valid row's history, valid/test = those rows' items.
    const seq = ds.interactions;
    assert.ok(seq);
    assert.equal(seq.users.length, 2928);
    const position = (index: string): number => ds.catalog.indexById.get(indexToAsin.get(Number(index)) ?? '') ?? -2;
    const rowsOf = (name: string): Map<string, string[]> =>
      new Map(
        readFileSync(path.join(sci, name), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => {
            const [user, history, item] = line.split('\t');
            return [user, [history, item]];
          }),
      );
    const valid = rowsOf('Scientific.valid.inter');
    const test = rowsOf('Scientific.test.inter');
    seq.users.forEach((user, u) => {
      const [history, validItem] = valid.get(user) ?? [];
      assert.deepEqual(Array.from(seq.train[u]), history.split(' ').map(position), user);
      assert.equal(seq.valid[u], position(validItem));
      assert.equal(seq.test[u], position((test.get(user) ?? [])[1]));
    });
  });

  it('Beauty: items.jsonl + sequences.txt, leave-one-out; text noise passes through', { skip: withoutShared('beauty/items.jsonl', 'beauty/sequences.txt') }, async () => {
    const beauty = path.join(sharedData, 'beauty');
    const ds = await loadDataset(
      dataConfig({ items: path.join(beauty, 'items.jsonl'), interactions: path.join(beauty, 'sequences.txt') }),
    );
    assert.equal(ds.catalog.items.length, 12101);
    assert.deepEqual(ds.warnings, []);
    const seq = ds.interactions;
    assert.ok(seq);
    assert.equal(seq.users.length, 22363);
    let total = 0;
    seq.users.forEach((_, u) => {
      total += seq.train[u].length + (seq.valid[u] >= 0 ? 1 : 0) + (seq.test[u] >= 0 ? 1 : 0);
    });
    assert.equal(total, 198502);
    // Line 1 is "1 1 2 3 4 5"; catalog id "k" sits at position k - 1.
    assert.equal(seq.users[0], '1');
    assert.deepEqual(Array.from(seq.train[0]), [0, 1, 2]);
    assert.deepEqual([seq.valid[0], seq.test[0]], [3, 4]);
    // Records are exactly what JSON.parse gives per line: HTML entities and tabs unchanged.
    const lines = readFileSync(path.join(beauty, 'items.jsonl'), 'utf8').trim().split('\n');
    lines.forEach((line, i) => assert.deepEqual(ds.catalog.items[i].fields, JSON.parse(line)));
    const titles = ds.catalog.items.map((item) => String(item.fields.title));
    assert.ok(titles.filter((t) => /&(amp|quot|#\d+);/.test(t)).length > 800);
    assert.equal(ds.catalog.items[ds.catalog.indexById.get('8956') ?? -1].fields.title, '- \t DESIGNER SKIN ANGEL KIWI PEAR MOISTURIZING BODY LOTION 20 OZ');
  });

  it('MicroLens: keyed item.json + inter.json', { skip: withoutShared('microlens/Microlens.item.json', 'microlens/Microlens.inter.json') }, async () => {
    const micro = path.join(sharedData, 'microlens');
    const ds = await loadDataset(
      dataConfig({ items: path.join(micro, 'Microlens.item.json'), interactions: path.join(micro, 'Microlens.inter.json') }),
    );
    assert.equal(ds.catalog.items.length, 5312);
    const reference = JSON.parse(readFileSync(path.join(micro, 'Microlens.item.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    // Catalog order is file order (Object.keys would sort these integer-like keys).
    assert.equal(ds.catalog.items[0].id, '4161');
    assert.deepEqual(ds.catalog.items.map((i) => i.id).sort(), Object.keys(reference).sort());
    assert.deepEqual(ds.catalog.items[17].fields, reference[ds.catalog.items[17].id]);
    const seq = ds.interactions;
    assert.ok(seq);
    const inter = JSON.parse(readFileSync(path.join(micro, 'Microlens.inter.json'), 'utf8')) as Record<string, number[]>;
    assert.equal(seq.users.length, 13210);
    seq.users.forEach((user, u) => {
      const items = inter[user].map((id) => ds.catalog.indexById.get(String(id)));
      const n = items.length;
      assert.deepEqual([...Array.from(seq.train[u]), seq.valid[u], seq.test[u]], items, user);
      assert.ok(n >= 3);
    });
  });
});
