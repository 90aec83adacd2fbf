import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRunConfig, type ExperimentConfig } from '../../config';
import { loadCatalog } from '../../data/catalog';
import { loadEmbeddings } from '../../data/embeddings';
import { loadDataset, alignEmbeddings } from '../../data/dataset';
import { DataError, type EmbeddingMatrix } from '../../data/types';
import { featurizeCatalog } from '../../features/featurize';
import { readSemanticIds } from '../../ids/semanticIdsFile';
import { extendCollisionDigits } from '../../ids/collisionDigit';
import { initBackend } from '../../tf/backend';
import { loadModel } from '../../model/modelFile';
import { RUN_FILES } from '../../../protocol/runLayout';
import { binaryEmbeddingShape, isStreamableEmbeddings, readEmbeddingChunks } from '../../data/embeddingChunks';
import { assignStream, writeLinesProgressively } from '../../ids/streamAssign';
import type { SemanticIdRecord } from '../../../protocol';
import { parseCommand } from '../parse';
import { existingFile, outputFile, PathError, runDirectory } from '../userPaths';
import { EXIT, UsageError } from '../usage';

/**
 * `semid ids <run-dir> [--items FILE] [--embeddings FILE] [--out FILE]`: IDs from the
 * run's trained model. Items the run already has keep their IDs; new items get codes
 * from the model and the next free digit after the run's IDs with the same codes.
 * Binary embeddings (.f32, .npy) are streamed, and the output is written block by
 * block, so memory stays bounded at catalog scale (codes and ids are kept: the digit
 * needs every code).
 */
export async function idsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'ids',
    args,
    { items: { type: 'string' }, embeddings: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' } },
    ['run-dir'],
  );
  const runDir = runDirectory(positionals[0], 'run directory', ['config', 'semanticIds']);
  const itemsFile = values.items !== undefined ? existingFile(values.items, '--items') : null;
  const embeddingsFile = values.embeddings !== undefined ? existingFile(values.embeddings, '--embeddings') : null;
  const outFile = values.out !== undefined ? outputFile(values.out, '--out') : null;
  const config = await loadRunConfig(runDir);
  if (config.model.type === 'rkmeans') {
    throw new PathError(`run directory ${runDir} is a residual k-means run (model.type: rkmeans): it has no network for semid ids; its IDs are in ${RUN_FILES.semanticIds}`);
  }
  if (!fs.existsSync(path.join(runDir, RUN_FILES.model))) {
    throw new PathError(`run directory ${runDir} has no trained model (${RUN_FILES.model}/); is it a completed run?`);
  }
  const existing = await readSemanticIds(path.join(runDir, RUN_FILES.semanticIds));
  const streaming = embeddingsFile !== null && isStreamableEmbeddings(embeddingsFile);

  // Binary embeddings are streamed block by block (bounded memory at any catalog
  // size); the other formats carry ids and are loaded whole, as training does.
  const assigned = streaming ? null : await itemsToAssign(config, itemsFile, embeddingsFile);
  const streamedIds = streaming ? await idsForBinaryEmbeddings(config, itemsFile) : null;
  const runtime = await initBackend((values.backend as typeof config.engine.backend | undefined) ?? config.engine.backend, config.engine.threads);
  const model = loadModel(runtime.tf, path.join(runDir, RUN_FILES.model));
  let ids: string[];
  let codes: Int32Array;
  if (assigned) {
    if (model.shape.inputDim !== assigned.features.dim) {
      throw new Error(`the model takes ${model.shape.inputDim}-dim inputs; the given embeddings have ${assigned.features.dim}`);
    }
    ids = assigned.ids;
    codes = model.assign(assigned.features.data, assigned.features.rows);
  } else {
    const file = embeddingsFile as string;
    ids = streamedIds as string[];
    const dim = config.data.embedding_dim ?? model.shape.inputDim;
    const shape = await binaryEmbeddingShape(file, dim);
    if (shape.dim !== model.shape.inputDim) throw new Error(`the model takes ${model.shape.inputDim}-dim inputs; the given embeddings have ${shape.dim}`);
    if (shape.rows !== ids.length) {
      throw new DataError(file, 0, `${shape.rows} embedding rows but ${ids.length} items in --items; row i must be item i`);
    }
    codes = (await assignStream(model, readEmbeddingChunks(file, dim))).codes;
  }
  model.dispose();

  const known = new Map<string, number>();
  existing.ids.forEach((id, i) => known.set(id, i));
  const levels = existing.levels;
  const fresh: number[] = [];
  ids.forEach((id, i) => {
    if (!known.has(id)) fresh.push(i);
  });
  const freshCodes = new Int32Array(fresh.length * levels);
  fresh.forEach((i, j) => freshCodes.set(codes.subarray(i * levels, (i + 1) * levels), j * levels));
  const freshDigits = extendCollisionDigits(existing, freshCodes);
  // Per row: its digit when new, -1 when the run already has it (an array, not a Map: 1M+ rows).
  const digitOf = new Int32Array(ids.length).fill(-1);
  fresh.forEach((i, j) => (digitOf[i] = freshDigits[j]));

  const lineOf = (i: number): string => {
    const at = known.get(ids[i]);
    const sid =
      at !== undefined
        ? [...existing.codes.subarray(at * levels, (at + 1) * levels), existing.digits[at]]
        : [...codes.subarray(i * levels, (i + 1) * levels), digitOf[i]];
    const record: SemanticIdRecord = { id: ids[i], sid };
    return JSON.stringify(record);
  };
  await writeLinesProgressively(outFile, ids.length, lineOf);
  process.stderr.write(`${ids.length} items: ${ids.length - fresh.length} already in the run, ${fresh.length} new\n`);
  return EXIT.completed;
}

/** Ids for a binary (.f32/.npy) embeddings file, which carries none: --items, in row order. */
async function idsForBinaryEmbeddings(config: ExperimentConfig, itemsFile: string | null): Promise<string[]> {
  if (!itemsFile) throw new UsageError('binary --embeddings (.f32, .npy) carry no item ids: give --items with one item per embedding row, in row order', 'ids');
  const catalog = await loadCatalog(path.resolve(itemsFile), config.data.id_field);
  return catalog.items.map((it) => it.id);
}

async function itemsToAssign(
  config: ExperimentConfig,
  itemsFile: string | null,
  embeddingsFile: string | null,
): Promise<{ ids: string[]; features: EmbeddingMatrix }> {
  if (!itemsFile && !embeddingsFile) {
    // The run's own catalog, through the same features it was trained on.
    const dataset = await loadDataset(config.data);
    const ids = dataset.catalog.items.map((it) => it.id);
    const features =
      dataset.embeddings ??
      featurizeCatalog(dataset.catalog, { textFields: config.data.text_fields, dim: config.features.dim, seed: config.train.seed }).matrix;
    return { ids, features };
  }
  if (!embeddingsFile) {
    throw new UsageError(
      config.data.embeddings
        ? '--items needs --embeddings: the model reads embeddings, one row per new item'
        : 'this run featurized its catalog with tf-idf + SVD; new items need --embeddings of the same kind (a saved featurizer is not available yet)',
      'ids',
    );
  }
  const embeddings = await loadEmbeddings(path.resolve(embeddingsFile), { dim: config.data.embedding_dim });
  if (!itemsFile) {
    if (!embeddings.ids) throw new UsageError('--embeddings without --items must carry item ids (JSONL objects with "id", or CSV with an id column)', 'ids');
    return { ids: embeddings.ids, features: embeddings };
  }
  const catalog = await loadCatalog(path.resolve(itemsFile), config.data.id_field);
  const warnings: string[] = [];
  const features = alignEmbeddings(embeddingsFile, embeddings, catalog, null, null, warnings);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  return { ids: catalog.items.map((it) => it.id), features };
}
