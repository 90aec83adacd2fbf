import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import type { TF } from '../../src/engine/tf/types';
import { exportRun } from '../../src/engine/export/exportRun';
import { readStoredModel, ExportInputError } from '../../src/engine/export/storedModel';
import { compareCodes } from '../../src/engine/export/codeParity';
import { exportTfidfFeaturizer, featurizeWithSidecar } from '../../src/engine/export/tfidfSidecar';
import { featurizeCatalog } from '../../src/engine/features/featurize';
import type { Catalog } from '../../src/engine/data/types';
import { syntheticRun, clusteredEmbeddings } from '../support/tokenizerRun';
import { CLI, runCli } from '../support/cli';

const tfx = tf as unknown as TF;
/** A float32 near tie: the two codes' float64 distances differ by less than this share of their magnitude. */
const TIE = 1e-5;

before(async () => {
  await tf.setBackend('cpu');
});

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'semid-export-'));
}

async function onnxCodes(modelFile: string, x: Float32Array, rows: number, dim: number): Promise<BigInt64Array> {
  const session = await ort.InferenceSession.create(modelFile);
  const out = await session.run({ embeddings: new ort.Tensor('float32', x, [rows, dim]) });
  assert.equal(out.codes.type, 'int64');
  return out.codes.data as BigInt64Array;
}

describe('semid export: ONNX graph', () => {
  test('20k synthetic items: onnxruntime codes equal the engine\'s, every difference a float32 near tie', async () => {
    const root = tmp();
    const items = 20_000;
    const run = await syntheticRun(tfx, root, { items, shape: { codebookSizes: [32, 32, 32] } });
    const out = path.join(root, 'export');
    const result = await exportRun(run.runDir, out, 'test');
    assert.deepEqual(fs.readdirSync(out).sort(), ['model.onnx', 'tokenizer.json']);
    const sidecar = JSON.parse(fs.readFileSync(path.join(out, 'tokenizer.json'), 'utf8'));
    assert.equal(sidecar.inputDim, 24);
    assert.deepEqual(sidecar.codebookSizes, [32, 32, 32]);
    assert.equal(sidecar.features.method, 'embeddings');
    assert.equal(result.sidecar.levels, 3);

    const codes = await onnxCodes(path.join(out, 'model.onnx'), run.embeddings, items, 24);
    assert.equal(codes.length, items * 3);
    const report = compareCodes(readStoredModel(path.join(run.runDir, 'model')), run.embeddings, run.codes, codes, items);
    for (const d of report.differences) assert.ok(d.relativeGap < TIE, `row ${d.row} level ${d.level}: codes ${d.engine} vs ${d.exported} are ${d.relativeGap} apart, not a tie`);
    assert.ok(report.differingRows <= items / 1000, `${report.differingRows} of ${items} rows differ`);
    // Codes spread over the codebooks: a graph returning one constant code would fail here.
    const tuples = new Set(Array.from({ length: items }, (_, i) => codes.subarray(i * 3, i * 3 + 3).join('-'))).size;
    const used = new Set(Array.from(codes.filter((_, i) => i % 3 === 0))).size;
    assert.ok(tuples > 200 && used >= 4, `${tuples} distinct code tuples, ${used} of 32 level-0 codes used`);
    run.model.dispose();
  });

  test('a model with a fused input: the graph feeds the fused part zeros, like `semid ids` for new items', async () => {
    const root = tmp();
    const run = await syntheticRun(tfx, root, { items: 3000, shape: { fuse: { inputDim: 10, encoder: [16] } } });
    const out = path.join(root, 'export');
    await exportRun(run.runDir, out, 'test');
    const codes = await onnxCodes(path.join(out, 'model.onnx'), run.embeddings, 3000, 24);
    const report = compareCodes(readStoredModel(path.join(run.runDir, 'model')), run.embeddings, run.codes, codes, 3000);
    for (const d of report.differences) assert.ok(d.relativeGap < TIE, `row ${d.row}: not a tie (${d.relativeGap})`);
    assert.ok(JSON.parse(fs.readFileSync(path.join(out, 'tokenizer.json'), 'utf8')).fused.inputDim === 10);
    run.model.dispose();
  });

  test('the graph rejects an input of another width (onnxruntime names the input)', async () => {
    const root = tmp();
    const run = await syntheticRun(tfx, root, { items: 100 });
    await exportRun(run.runDir, path.join(root, 'export'), 'test');
    await assert.rejects(onnxCodes(path.join(root, 'export', 'model.onnx'), new Float32Array(100 * 20), 100, 20), /embeddings|dimension|shape/i);
    run.model.dispose();
  });
});

describe('semid export: bad input', () => {
  test('a run without model/: exit 2, the message names the missing folder, nothing written', async (t) => {
    if (!fs.existsSync(CLI)) return t.skip(`${CLI} missing: run npm run build`);
    const root = tmp();
    const runDir = path.join(root, 'run');
    fs.mkdirSync(runDir);
    fs.writeFileSync(path.join(runDir, 'config.yaml'), 'name: x\n');
    const out = path.join(root, 'out');
    const r = await runCli(['export', runDir, '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${path.join(runDir, 'model').replace(/[/.]/g, '\\$&')}: missing`));
    assert.equal(fs.existsSync(out), false);
  });

  test('truncated weights: the error names weights.bin and the tensor; no export folder, no staging left', async () => {
    const root = tmp();
    const run = await syntheticRun(tfx, root, { items: 50 });
    run.model.dispose();
    const bin = path.join(run.runDir, 'model', 'weights.bin');
    fs.truncateSync(bin, fs.statSync(bin).size - 64);
    const out = path.join(root, 'export');
    await assert.rejects(exportRun(run.runDir, out, 'test'), (e: unknown) => e instanceof ExportInputError && e.message.startsWith(bin) && /codebook\/2/.test(e.message));
    assert.deepEqual(fs.readdirSync(root).filter((n) => n !== 'synthetic'), []);
  });

  test('an unknown --format is a usage error (exit 2)', async (t) => {
    if (!fs.existsSync(CLI)) return t.skip(`${CLI} missing: run npm run build`);
    const r = await runCli(['export', tmp(), '--format', 'tflite']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /only onnx/);
  });
});

describe('semid export: the tf-idf featurizer sidecar', () => {
  test('text features made from the sidecar alone equal the engine\'s (float32, 1e-6)', () => {
    const words = ['serum', 'vitamin', 'cream', 'matte', 'lipstick', 'red', 'nail', 'polish', 'shampoo', 'argan', 'oil', 'brush', 'mascara', 'gel'];
    const brands = ['acme', 'lumen', 'dr scholl'];
    const items = Array.from({ length: 120 }, (_, i) => ({
      id: `p${i}`,
      fields: {
        title: `${words[i % 14]} ${words[(i * 5 + 3) % 14]} ${words[(i * 7 + 1) % 14]} no. ${i % 9}`,
        brand: brands[i % 3],
        categories: i % 2 ? 'Beauty > Makeup > Lips' : 'Beauty > Hair Care',
      },
    }));
    const catalog = { items } as unknown as Catalog;
    const fields = ['title', 'brand', 'categories'];
    const dim = 16;
    const engine = featurizeCatalog(catalog, { textFields: fields, dim, seed: 3 }).matrix;
    const exported = exportTfidfFeaturizer(catalog, fields, dim, 3);
    assert.deepEqual(exported.sidecar.tokenizer.categoricalFields, ['brand']);
    assert.ok(exported.sidecar.vocabulary.includes('brand=dr scholl') && exported.sidecar.vocabulary.includes('cat:beauty>makeup>lips'));
    // Through JSON, as a consumer reads it.
    const sidecar = JSON.parse(JSON.stringify(exported.sidecar));
    const mine = featurizeWithSidecar(sidecar, exported.binary, items.map((it) => it.fields));
    let worst = 0;
    for (let i = 0; i < mine.length; i++) worst = Math.max(worst, Math.abs(mine[i] - engine.data[i]));
    assert.ok(worst < 1e-6, `largest difference ${worst}`);
    assert.ok(engine.data.some((v) => Math.abs(v) > 0.1));
  });
});

// Keep the generator honest: different seeds, different data.
test('synthetic embeddings differ by seed', () => {
  assert.notDeepEqual(clusteredEmbeddings(4, 3, 0).slice(0, 6), clusteredEmbeddings(4, 3, 1).slice(0, 6));
});
