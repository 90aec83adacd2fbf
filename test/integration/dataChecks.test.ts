// No silent misalignment (issue 8, item 7): a raw .f32 whose size is not rows x
// data.embedding_dim is refused before any run directory exists, exit 2, said once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, runCli, tempDir } from '../support/cli';

const SOURCE = path.join(REPO_ROOT, 'examples', 'scientific', 'data');
const ITEMS = 200;
const DIM = 512;

/** The first 200 items of the bundled Scientific example: catalog, item index and their 512-d rows. */
function slice(dir: string): void {
  const text = fs.readFileSync(path.join(SOURCE, 'Scientific.text'), 'utf8').split('\n');
  const index = fs.readFileSync(path.join(SOURCE, 'Scientific.item2index'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const kept = index.filter((l) => Number(l.split('\t')[1]) < ITEMS);
  assert.equal(kept.length, ITEMS);
  const ids = new Set(kept.map((l) => l.split('\t')[0]));
  fs.writeFileSync(path.join(dir, 'items.text'), [text[0], ...text.slice(1).filter((l) => ids.has(l.split('\t')[0]))].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'items.item2index'), kept.join('\n') + '\n');
  const rows = fs.readFileSync(path.join(SOURCE, 'Scientific.emb512.f32')).subarray(0, ITEMS * DIM * 4);
  fs.writeFileSync(path.join(dir, 'items.f32'), rows);
}

function experiment(dir: string, dim: number): string {
  const file = path.join(dir, 'slice.rqvae.yaml');
  fs.writeFileSync(
    file,
    [
      'name: slice',
      'data:',
      '  items: items.text',
      '  id_field: item_id',
      '  embeddings: items.f32',
      `  embedding_dim: ${dim}`,
      '  item_index: items.item2index',
      'model: { encoder: [32], latent_dim: 8, levels: 2, codebook_size: 8 }',
      'train: { epochs: 1, batch_size: 64 }',
      'output: { dir: runs }',
      '',
    ].join('\n'),
  );
  return file;
}

test('a wrong data.embedding_dim on a raw .f32 with item_index exits 2, names the key, the file and the sizes, leaves no run', async () => {
  const dir = tempDir('misaligned');
  try {
    slice(dir);
    // 200 rows of 512 floats read as 256 floats a row: 400 whole rows, every index in range,
    // so only the size against the item index can tell.
    const result = await runCli(['train', experiment(dir, 256), '--backend', 'cpu']);
    assert.equal(result.code, 2, result.stderr);
    const f32 = path.join(dir, 'items.f32');
    const line = result.stderr.split('\n').find((l) => l.includes('data.embedding_dim')) ?? '';
    assert.ok(line.includes(f32), `names the file: ${result.stderr}`);
    assert.ok(line.includes(`${ITEMS * DIM * 4} bytes`), `names the size: ${line}`);
    assert.ok(line.includes(`expected ${ITEMS} x 256 float32 = ${ITEMS * 256 * 4} bytes`), `says what was expected: ${line}`);
    assert.ok(line.includes('is data.embedding_dim 512?'), `suggests the dim that fits: ${line}`);
    assert.equal(result.stderr.split('data.embedding_dim is 256').length - 1, 1, `printed once:\n${result.stderr}`);
    assert.equal(result.stdout, '');
    assert.ok(!fs.existsSync(path.join(dir, 'runs')), 'no run directory for a data error');

    // The right dim trains on the same slice: the check refuses only what is wrong.
    const ok = await runCli(['train', experiment(dir, DIM), '--backend', 'cpu']);
    assert.equal(ok.code, 0, ok.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('any data error (a malformed catalog line) leaves no failed run directory and is printed once', async () => {
  const dir = tempDir('bad-catalog');
  try {
    slice(dir);
    const index = path.join(dir, 'items.item2index');
    fs.appendFileSync(index, 'B0BROKEN\tnot-a-number\n');
    const result = await runCli(['train', experiment(dir, DIM), '--backend', 'cpu']);
    assert.equal(result.code, 2, result.stderr);
    const mentions = result.stderr.split('\n').filter((l) => l.includes('not-a-number'));
    assert.equal(mentions.length, 1, result.stderr);
    assert.ok(mentions[0].includes(`${index}:${ITEMS + 1}`), mentions[0]);
    assert.ok(!fs.existsSync(path.join(dir, 'runs')), 'no run directory for a data error');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a codebook larger than the catalog warns, naming the level, its codes and the item count', async () => {
  const dir = tempDir('oversized');
  try {
    slice(dir);
    const result = await runCli(['train', experiment(dir, DIM), '--set', 'model.codebook_size=[300,8]', '--backend', 'cpu']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`warn: model\\.codebook_size: level 0 has 300 codes for ${ITEMS} items: at most ${ITEMS} codes of a level can ever be used`));
    assert.doesNotMatch(result.stderr, /level 1 has/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
