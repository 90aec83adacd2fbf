/**
 * Exported ONNX codes against the engine's (issue 12, item 2), counted and explained.
 *   node --import tsx bench/onnxParity.bench.ts --run <run-dir>
 *       every item of a trained run: onnxruntime on the run's own inputs vs its semantic_ids.jsonl
 *       (what `semid ids <run-dir>` prints)
 *   node --import tsx bench/onnxParity.bench.ts --items 1000000 [--dim 768]
 *       a synthetic catalog: the engine's streaming assignment (the `semid ids --embeddings`
 *       path, on the backend `auto` picks) vs onnxruntime, block by block, with a progress
 *       line per block (compared, differing, elapsed per phase, load average)
 *       [--explain 10000]: differing rows recomputed in float64 at most (the rest counted)
 * Each differing row is recomputed in float64: its two codes' distance gap says whether
 * it is a float32 near tie (kernels summing in another order) or a real disagreement.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadExperiment } from '../src/engine/config';
import { loadDataset } from '../src/engine/data/dataset';
import { featurizeCatalog } from '../src/engine/features/featurize';
import { readSemanticIds } from '../src/engine/ids/semanticIdsFile';
import { initBackend } from '../src/engine/tf/backend';
import { RqVae } from '../src/engine/model/rqvae';
import { saveModel } from '../src/engine/model/modelFile';
import { Random } from '../src/engine/util/random';
import { assignStream } from '../src/engine/ids/streamAssign';
import type { EmbeddingChunk } from '../src/engine/data/embeddingChunks';
import { exportRun } from '../src/engine/export/exportRun';
import { readStoredModel, type StoredModel } from '../src/engine/export/storedModel';
import { compareCodes, type ParityReport } from '../src/engine/export/codeParity';

const BLOCK = 65536;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function onnxCodes(session: ort.InferenceSession, x: Float32Array, rows: number, dim: number): Promise<BigInt64Array> {
  const out = await session.run({ embeddings: new ort.Tensor('float32', x.subarray(0, rows * dim), [rows, dim]) });
  return out.codes.data as BigInt64Array;
}

function describe(report: ParityReport, what: string): void {
  const ties = report.differences.filter((d) => d.relativeGap < 1e-5).length;
  const worst = report.differences.reduce((m, d) => Math.max(m, d.relativeGap), 0);
  const explained = report.differences.length === report.differingRows ? 'of those' : `of the first ${report.differences.length} (recomputed in float64)`;
  console.log(
    `${what}: ${report.rows} items, ${report.rows - report.differingRows} identical (${((100 * (report.rows - report.differingRows)) / report.rows).toFixed(4)}%), ` +
      `${report.differingRows} differ; ${explained} ${ties} are float32 near ties (float64 gap < 1e-5 of the distances' magnitude; largest ${worst.toExponential(2)})`,
  );
  for (const d of report.differences.slice(0, 10)) {
    console.log(`  row ${d.row}: level ${d.level}, engine code ${d.engine} vs onnx ${d.exported}, float64 distance gap ${d.gap.toExponential(2)} (relative ${d.relativeGap.toExponential(2)})`);
  }
}

async function runParity(runDir: string): Promise<void> {
  const config = await loadExperiment(path.join(runDir, 'config.yaml'), [], { checkFiles: false });
  const dataset = await loadDataset(config.data);
  const inputs =
    dataset.embeddings ?? featurizeCatalog(dataset.catalog, { textFields: config.data.text_fields, dim: config.features.dim, seed: config.train.seed }).matrix;
  const sids = await readSemanticIds(path.join(runDir, 'semantic_ids.jsonl'));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-parity-'));
  try {
    await exportRun(runDir, out, 'bench');
    const session = await ort.InferenceSession.create(path.join(out, 'model.onnx'));
    const stored = readStoredModel(path.join(runDir, 'model'));
    if (stored.shape.fuse) console.log('note: fused model; the graph feeds zeros where training fed co-occurrence rows, so differences are expected');
    const codes = await onnxCodes(session, inputs.data, inputs.rows, inputs.dim);
    describe(compareCodes(stored, inputs.data, sids.codes, codes, inputs.rows), `run ${runDir}`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** Clustered pseudo-embeddings, cheap to make (xorshift noise around 64 centres). */
function* synthetic(items: number, dim: number, block: number): Generator<EmbeddingChunk> {
  const random = new Random(12); // purpose: synthetic parity catalog
  const centres = Float32Array.from({ length: 64 * dim }, () => random.normal());
  let s = 0x2545f491 | 0;
  const data = new Float32Array(block * dim);
  for (let start = 0; start < items; start += block) {
    const rows = Math.min(block, items - start);
    for (let i = 0; i < rows; i++) {
      const c = random.int(64);
      for (let j = 0; j < dim; j++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        data[i * dim + j] = centres[c * dim + j] + (s / 4294967296) * 1.2;
      }
    }
    yield { start, rows, dim, data };
  }
}

async function syntheticParity(items: number, dim: number, explainLimit: number): Promise<void> {
  const started = performance.now();
  const since = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const runtime = await initBackend('auto', null);
  const shape = { inputDim: dim, encoder: [512, 256, 128], latentDim: 32, codebookSizes: [256, 256, 256] };
  const model = new RqVae(runtime.tf, shape, new Random(0)); // purpose: synthetic parity weights
  const sample = synthetic(8192, dim, 8192).next().value as EmbeddingChunk;
  // Awaited: saving a model whose k-means is still running would export other codebooks
  // than the ones the engine then assigns with.
  await model.initCodebooksFromSample(sample.data, sample.rows, new Random(1)); // purpose: k-means
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-parity-'));
  try {
    saveModel(path.join(dir, 'model'), model, {});
    fs.writeFileSync(path.join(dir, 'config.yaml'), `name: parity\ndata:\n  items: items.jsonl\n  embeddings: x.f32\n  embedding_dim: ${dim}\n`);
    await exportRun(dir, path.join(dir, 'export'), 'bench');
    const session = await ort.InferenceSession.create(path.join(dir, 'export', 'model.onnx'));
    const stored: StoredModel = readStoredModel(path.join(dir, 'model'));
    console.log(`synthetic ${items} x ${dim}, engine backend ${runtime.backend}, blocks of ${BLOCK}; model ready after ${since()}; load ${load()} on ${os.cpus().length} cores`);
    const ms = { make: 0, engine: 0, onnx: 0, compare: 0 };
    const total: ParityReport = { rows: 0, levels: shape.codebookSizes.length, differingRows: 0, differences: [] };
    const blocks = synthetic(items, dim, BLOCK);
    for (;;) {
      const t0 = performance.now();
      const next = blocks.next();
      if (next.done) break;
      const chunk = next.value;
      const t1 = performance.now();
      const engine = (await assignStream(model, [{ ...chunk, start: 0 }])).codes;
      const t2 = performance.now();
      const exported = await onnxCodes(session, chunk.data, chunk.rows, dim);
      const t3 = performance.now();
      const part = compareCodes(stored, chunk.data.subarray(0, chunk.rows * dim), engine, exported, chunk.rows, explainLimit - total.differences.length);
      const t4 = performance.now();
      ms.make += t1 - t0;
      ms.engine += t2 - t1;
      ms.onnx += t3 - t2;
      ms.compare += t4 - t3;
      total.rows += chunk.rows;
      total.differingRows += part.differingRows;
      for (const d of part.differences) total.differences.push({ ...d, row: d.row + chunk.start });
      const ties = total.differences.filter((d) => d.relativeGap < 1e-5).length;
      console.log(
        `  ${total.rows}/${items} compared, ${total.differingRows} differ (${ties} of ${total.differences.length} examined are near ties); ` +
          `${since()} elapsed (make ${secs(ms.make)}, engine ${secs(ms.engine)}, onnxruntime ${secs(ms.onnx)}, compare ${secs(ms.compare)}); load ${load()}`,
      );
    }
    describe(total, `synthetic ${items} x ${dim} (engine backend ${runtime.backend})`);
    console.log(
      `time: engine ${secs(ms.engine)}, onnxruntime ${secs(ms.onnx)} (1 process each, ${(ms.engine / ms.onnx).toFixed(2)}x), making the data ${secs(ms.make)}, ` +
        `comparing ${secs(ms.compare)}; total ${since()}; load ${load()} on ${os.cpus().length} cores; ${new Date().toISOString()}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function load(): string {
  return os.loadavg().map((v) => v.toFixed(1)).join(' / ');
}

async function main(): Promise<void> {
  const run = arg('run');
  if (run) return runParity(path.resolve(run));
  return syntheticParity(Number(arg('items') ?? 1_000_000), Number(arg('dim') ?? 768), Number(arg('explain') ?? 10_000));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
