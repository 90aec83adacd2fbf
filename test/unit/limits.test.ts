/**
 * Sanity limits (issue 8, item 8): codebooks that cannot fit are refused at validation
 * with the arithmetic, output.dir on a virtual file system is refused, run ids never collide.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadExperiment, ExperimentError } from '../../src/engine/config';
import { createRunDirectory } from '../../src/engine/run/runDirectory';
import { virtualFileSystemOf } from '../../src/engine/run/virtualFileSystem';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-limits-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function experiment(body: string): string {
  const file = path.join(dir, `e${Math.random().toString(16).slice(2)}.rqvae.yaml`);
  fs.writeFileSync(file, `name: limits\ndata: { items: items.jsonl, text_fields: [title] }\n${body}`);
  fs.writeFileSync(path.join(dir, 'items.jsonl'), '{"id": "a", "title": "x"}\n');
  return file;
}

async function errorOf(file: string, overrides: string[] = []): Promise<string> {
  try {
    await loadExperiment(file, overrides);
  } catch (e) {
    assert.ok(e instanceof ExperimentError, String(e));
    return e.message;
  }
  return '';
}

test('codebook_size 1000000 is refused at validation with the memory arithmetic, on wasm and auto', async () => {
  for (const backend of ['wasm', 'auto']) {
    const message = await errorOf(experiment(`model: { codebook_size: 1000000 }\nengine: { backend: ${backend} }\n`));
    assert.match(message, /'model\.codebook_size' \[1000000, 1000000, 1000000\] with 'train\.batch_size' 1024 cannot fit: .* needs about [\d.]+ GiB, more than the 4\.0 GiB the wasm backend can address/);
  }
  // The default model and the TIGER recipe fit; a device backend is not judged without its device.
  assert.equal(await errorOf(experiment('model: { codebook_size: 256 }\n')), '');
  assert.equal(await errorOf(experiment('model: { codebook_size: 1000000 }\nengine: { backend: gpu }\n')), '');
  // The limit follows the batch: 4 matrices x 3 levels x batch x codes x 4 bytes against 4 GiB.
  assert.equal(await errorOf(experiment('model: { codebook_size: 16384 }\ntrain: { batch_size: 1024, kmeans_init: false }\n')), '');
  assert.match(await errorOf(experiment('model: { codebook_size: 65536 }\ntrain: { batch_size: 2048, kmeans_init: false }\n')), /a training step .* needs about 6\.0 GiB/);
});

test('output.dir on /proc or /sys is refused, naming the mount and its type', async (t) => {
  if (virtualFileSystemOf('/proc') === null) {
    t.skip('no /proc/self/mounts on this system: nothing to refuse');
    return;
  }
  const message = await errorOf(experiment('output: { dir: /proc/semid-runs }\n'));
  assert.match(message, /'output\.dir' \/proc\/semid-runs is on \/proc, a proc virtual file system/);
  assert.match(await errorOf(experiment('output: { dir: /sys/kernel/semid }\n')), /'output\.dir' \/sys\/kernel\/semid is on \/sys.*sysfs/);
  assert.equal(virtualFileSystemOf(dir), null, 'the temp folder is a real disk');
});

test('run directories are created exclusively: a drawn id that exists is drawn again, the existing run untouched', () => {
  const ids = ['20260101-000000-aaaa', '20260101-000000-aaaa', '20260101-000000-bbbb'];
  const first = createRunDirectory(dir, 'exp', () => ids.shift() as string);
  fs.writeFileSync(path.join(first.dir, 'summary.json'), '{"mine": true}');
  const second = createRunDirectory(dir, 'exp', () => ids.shift() as string);
  assert.equal(first.runId, '20260101-000000-aaaa');
  assert.equal(second.runId, '20260101-000000-bbbb');
  assert.notEqual(first.dir, second.dir);
  assert.equal(fs.readFileSync(path.join(first.dir, 'summary.json'), 'utf8'), '{"mine": true}');
  assert.deepEqual(fs.readdirSync(second.dir), []);
});
