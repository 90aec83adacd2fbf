/**
 * Catalog-scale assignment, CI-sized (issue 3, item 4): the streaming path
 * (`readEmbeddingChunks` -> `assignStream` -> `writeLinesProgressively`, what
 * `semid ids --embeddings big.f32` runs) gives exactly the codes of the in-memory
 * `model.assign`, for .f32 and .npy (float32 and float16), across block boundaries.
 * Then `semid ids` end to end: a 2-epoch run of the bundled example, 2,000 new items
 * as .f32 (streamed) and as JSONL (loaded whole) must give identical output.
 * Size: < 10 MB of temp files, ~10-20 s (most of it the short training run).
 * The 1M-item run is `npm run bench:assign`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/engine/tf/backend';
import { RqVae } from '../../src/engine/model/rqvae';
import { Random } from '../../src/engine/util/random';
import { readEmbeddingChunks, binaryEmbeddingShape } from '../../src/engine/data/embeddingChunks';
import { assignStream, writeLinesProgressively } from '../../src/engine/ids/streamAssign';
import { DataError } from '../../src/engine/data/types';

const ITEMS = 5000;
const DIM = 48;
const BLOCK = 777; // not a divisor of ITEMS, nor of the model's internal batch

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-scale-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function npy(rows: number, dim: number, descr: '<f4' | '<f2', body: Buffer): Buffer {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 11, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), body]);
}

/** float32 -> IEEE half (round to nearest even is not needed: values are exact halves). */
function toHalf(v: number): number {
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  const frac = Math.round((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | frac;
}

test('streamed assignment equals in-memory assignment (.f32, .npy f4 and f2)', async () => {
  const { tf } = await initBackend('wasm', null);
  const random = new Random(3);
  const model = new RqVae(tf, { inputDim: DIM, encoder: [32], latentDim: 8, codebookSizes: [16, 16, 16] }, random);
  // Values that are exact in float16, so all three files hold the same matrix.
  const data = new Float32Array(ITEMS * DIM);
  for (let i = 0; i < data.length; i++) data[i] = (random.int(64) - 32) / 16;
  const expected = model.assign(data, ITEMS);

  const f32 = path.join(dir, 'big.f32');
  fs.writeFileSync(f32, Buffer.from(data.buffer));
  const f4 = path.join(dir, 'big.npy');
  fs.writeFileSync(f4, npy(ITEMS, DIM, '<f4', Buffer.from(data.buffer)));
  const half = Buffer.alloc(ITEMS * DIM * 2);
  data.forEach((v, i) => half.writeUInt16LE(toHalf(v), 2 * i));
  const f2 = path.join(dir, 'half.npy');
  fs.writeFileSync(f2, npy(ITEMS, DIM, '<f2', half));

  for (const file of [f32, f4, f2]) {
    const shape = await binaryEmbeddingShape(file, DIM);
    assert.deepEqual([shape.rows, shape.dim], [ITEMS, DIM], file);
    let blocks = 0;
    const streamed = await assignStream(model, readEmbeddingChunks(file, DIM, BLOCK), () => blocks++);
    assert.equal(blocks, Math.ceil(ITEMS / BLOCK));
    assert.equal(streamed.rows, ITEMS);
    assert.deepEqual(streamed.codes, expected, `${path.basename(file)}: streamed codes differ from model.assign`);
  }

  const out = path.join(dir, 'ids.jsonl');
  await writeLinesProgressively(out, ITEMS, (i) => JSON.stringify({ id: `i${i}`, sid: Array.from(expected.subarray(i * 3, i * 3 + 3)) }));
  const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, ITEMS);
  assert.deepEqual(JSON.parse(lines[ITEMS - 1]), { id: `i${ITEMS - 1}`, sid: Array.from(expected.subarray((ITEMS - 1) * 3)) });
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'the temp file was renamed away');
  model.dispose();
});

test('a .f32 whose size is not whole rows, and a NaN row, are DataErrors', async () => {
  const bad = path.join(dir, 'bad.f32');
  fs.writeFileSync(bad, Buffer.alloc(DIM * 4 + 4));
  await assert.rejects(binaryEmbeddingShape(bad, DIM), DataError);
  const nan = new Float32Array(3 * DIM);
  nan[2 * DIM + 5] = NaN;
  const withNan = path.join(dir, 'nan.f32');
  fs.writeFileSync(withNan, Buffer.from(nan.buffer));
  await assert.rejects(async () => {
    for await (const chunk of readEmbeddingChunks(withNan, DIM, 2)) void chunk;
  }, /row 2 \(counted from 0\)/);
});

test('semid ids --embeddings x.f32 --items (streamed) writes the same IDs as the JSONL path', async () => {
  const { runCli, EXAMPLE, runDirOf } = await import('../support/cli');
  const trained = await runCli(['train', EXAMPLE, '--set', 'train.epochs=2', '--out', path.join(dir, 'runs'), '--backend', 'wasm']);
  assert.equal(trained.code, 0, trained.stderr);
  const runDir = runDirOf(trained);
  const runIds = fs
    .readFileSync(path.join(runDir, 'semantic_ids.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; sid: number[] });
  // 3 items the run has (they keep their IDs), 1,997 new ones (codes from the model).
  const rows = 2000;
  const dim = 512;
  const random = new Random(11);
  const ids = Array.from({ length: rows }, (_, i) => (i < 3 ? runIds[i].id : `new-${i}`));
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = random.normal() * 0.05;
  const items = path.join(dir, 'items.jsonl');
  fs.writeFileSync(items, ids.map((id) => JSON.stringify({ item_id: id, text: 'x' })).join('\n') + '\n');
  const f32 = path.join(dir, 'new.f32');
  fs.writeFileSync(f32, Buffer.from(data.buffer));
  const jsonl = path.join(dir, 'new.jsonl');
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(JSON.stringify({ id: ids[r], embedding: Array.from(data.subarray(r * dim, (r + 1) * dim)) }));
  fs.writeFileSync(jsonl, lines.join('\n') + '\n');

  const streamedOut = path.join(dir, 'streamed.jsonl');
  const streamed = await runCli(['ids', runDir, '--items', items, '--embeddings', f32, '--out', streamedOut]);
  assert.equal(streamed.code, 0, streamed.stderr);
  const whole = await runCli(['ids', runDir, '--embeddings', jsonl]);
  assert.equal(whole.code, 0, whole.stderr);
  const written = fs.readFileSync(streamedOut, 'utf8');
  assert.equal(written, whole.stdout);
  const records = written.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; sid: number[] });
  assert.equal(records.length, rows);
  assert.deepEqual(records.slice(0, 3), runIds.slice(0, 3), 'items the run has keep their IDs');
  assert.equal(new Set(records.map((r) => r.sid.join('-'))).size, rows, 'every full ID is unique');
  assert.match(streamed.stderr, /2000 items: 3 already in the run, 1997 new/);
});
