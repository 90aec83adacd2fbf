/**
 * `semid export`: a run's tokenizer as model.onnx + tokenizer.json (+ featurizer.f64
 * for tf-idf runs) in one folder. The files are staged in a temporary folder beside
 * the target and renamed into place, tokenizer.json last, so a crash never leaves a
 * complete-looking export with a missing or half-written part.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRunConfig } from '../config';
import { loadCatalog } from '../data/catalog';
import { RUN_FILES } from '../../protocol/runLayout';
import { buildTokenizerOnnx } from './onnxGraph';
import { ExportInputError, readStoredModel, tensorOf } from './storedModel';
import { exportTfidfFeaturizer, FEATURIZER_FILE } from './tfidfSidecar';
import { tokenizerSidecar, type TokenizerSidecar } from './tokenizerSidecar';

/** Written as the ONNX model's producer version: the layout of graph and sidecar. */
export const EXPORT_FORMAT_VERSION = '1';

export const EXPORT_FILES = { model: 'model.onnx', tokenizer: 'tokenizer.json', featurizer: FEATURIZER_FILE } as const;

export interface ExportResult {
  outDir: string;
  files: string[];
  sidecar: TokenizerSidecar;
}

export async function exportRun(runDir: string, outDir: string, producerVersion: string): Promise<ExportResult> {
  const modelDir = path.join(runDir, RUN_FILES.model);
  const configFile = path.join(runDir, RUN_FILES.config);
  if (!fs.existsSync(runDir)) throw new ExportInputError(runDir, 'no such run directory');
  if (!fs.existsSync(modelDir)) throw new ExportInputError(modelDir, 'missing: this run has no trained model (it did not complete, or it is not a run directory)');
  if (!fs.existsSync(configFile)) throw new ExportInputError(configFile, 'missing: the run directory has no resolved experiment');
  const stored = readStoredModel(modelDir);
  const config = await loadRunConfig(runDir);
  const runId = path.basename(runDir);

  const outputs = new Map<string, Uint8Array | string>();
  let features: TokenizerSidecar['features'];
  if (config.data.embeddings !== null) {
    features = { method: 'embeddings', embeddingDim: stored.shape.inputDim };
  } else {
    // The featurizer is deterministic: refitting it on the run's catalog gives the features it trained on.
    const catalog = await loadCatalog(config.data.items, config.data.id_field);
    const featurizer = exportTfidfFeaturizer(catalog, config.data.text_fields, config.features.dim, config.train.seed);
    if (featurizer.sidecar.dim !== stored.shape.inputDim) {
      throw new ExportInputError(configFile, `features.dim is ${featurizer.sidecar.dim} but the model takes ${stored.shape.inputDim}-dim inputs`);
    }
    features = featurizer.sidecar;
    outputs.set(EXPORT_FILES.featurizer, featurizer.binary);
  }

  const onnxBytes = buildTokenizerOnnx(stored.shape, (name, shape) => tensorOf(stored, modelDir, name, shape), {
    producerVersion,
    description: `semid tokenizer of run ${runId} (experiment ${config.name})`,
  });
  outputs.set(EXPORT_FILES.model, onnxBytes);
  const sidecar = tokenizerSidecar(stored.shape, EXPORT_FILES.model, features, { id: runId, experiment: config.name, idField: config.data.id_field });
  outputs.set(EXPORT_FILES.tokenizer, JSON.stringify(sidecar, null, 1) + '\n');

  writeFolderAtomically(outDir, outputs, EXPORT_FILES.tokenizer);
  return { outDir, files: [...outputs.keys()], sidecar };
}

/** Stages every file, then renames them into `dir` with `last` renamed last. */
function writeFolderAtomically(dir: string, files: Map<string, Uint8Array | string>, last: string): void {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(dir), `.${path.basename(dir)}.partial-`));
  try {
    for (const [name, data] of files) fs.writeFileSync(path.join(staging, name), data);
    fs.mkdirSync(dir, { recursive: true });
    // An old tokenizer.json goes first: a reader never pairs it with new model bytes.
    fs.rmSync(path.join(dir, last), { force: true });
    const order = [...files.keys()].filter((n) => n !== last).concat(files.has(last) ? [last] : []);
    for (const name of order) fs.renameSync(path.join(staging, name), path.join(dir, name));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
