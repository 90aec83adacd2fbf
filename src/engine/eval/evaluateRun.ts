/**
 * Evaluates a finished run's semantic IDs as TIGER does (design §5): split the run's
 * interactions, train the generative retriever (and SASRec, on a second thread with
 * `eval.parallel`) on the training part with early stopping on validation, rank every
 * user's validation and test item, score the baselines on the same split, and write
 * eval.json, eval_ranks.json, summary.json's `eval` and the eval events of metrics.jsonl.
 * `semid eval` and the evaluation after training (an experiment with an `eval:` block)
 * both come here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvalReport, EvalRanksFile, RetrievalMetrics, RunSummary, SplitMetrics, TrainedModelInfo } from '../../protocol';
import type { ExperimentConfig } from '../config/experiment';
import type { EngineRuntime } from '../tf/backend';
import { loadItemIndex } from '../data/itemIndex';
import { loadInteractions } from '../data/interactions';
import type { Catalog } from '../data/types';
import { readSemanticIds } from '../ids/semanticIdsFile';
import { readSummary, writeSummary } from '../run/runDirectory';
import { RUN_FILES } from '../../protocol/runLayout';
import { writeJsonAtomic } from '../run/atomicWrite';
import { evaluationSplit, trainingWindows, type EvalCase, type EvalSplit } from './split';
import { summarizeRanks, METRIC_NAMES } from './metrics';
import { popularityRanks } from './popularity';
import { SemanticIdTrie } from './semanticIdTrie';
import { GenerativeRetriever } from './model/generativeRetriever';
import { EncoderDecoderRetriever } from './model/encoderDecoderRetriever';
import type { FitResult } from './fit';
import { evalRandom } from './streams';
import { EvalInputError, EvalInterrupted } from './errors';
import { EvalCheckpoint, type RankedModel, type ResumeMode } from './evalCheckpoint';
import { trainAndRank, transformerShape, type EvalData, type EvalSink, type ModelJob } from './trainAndRank';
import { sasrecInParallel, sasrecJob, SasrecThread } from './sasrecThread';
import { round } from '../util/round';

export const EVAL_FILES = { report: 'eval.json', ranks: 'eval_ranks.json' } as const;

export { EvalInputError, EvalInterrupted };
export type { EvalSink };

/**
 * `resume`: 'no' starts over (an earlier checkpoint is dropped), 'yes' continues the
 * interrupted evaluation of eval_checkpoint/ (same eval settings, else EvalInputError),
 * 'if-present' continues one where there is one with the same settings.
 */
export async function evaluateRun(runDir: string, config: ExperimentConfig, runtime: EngineRuntime, sink: EvalSink, resume: ResumeMode = 'no'): Promise<EvalReport> {
  const t0 = Date.now();
  const tf = runtime.tf;
  const options = config.eval.retrieval;
  if (config.data.interactions === null) {
    throw new EvalInputError(`${runDir}: its experiment has no data.interactions, so there are no users' next items to evaluate retrieval on; set data.interactions in the experiment and train again`);
  }
  const sidFile = path.join(runDir, RUN_FILES.semanticIds);
  if (!fs.existsSync(sidFile)) {
    throw new EvalInputError(`${runDir}: no ${RUN_FILES.semanticIds} (has the run completed?); nothing to evaluate`);
  }
  const step = readSummary(runDir).steps;
  const now = (): string => new Date().toISOString();

  // Items are named by the run's IDs: an interaction whose item has no ID is counted and dropped.
  const ids = await readSemanticIds(sidFile);
  const catalog: Catalog = { items: ids.ids.map((id) => ({ id, fields: {} })), indexById: new Map(ids.ids.map((id, i) => [id, i])), source: sidFile };
  const itemIndex = config.data.item_index === null ? null : await loadItemIndex(config.data.item_index);
  const loaded = await loadInteractions(config.data.interactions, catalog, itemIndex);
  for (const w of loaded.warnings) sink.log('warn', `eval: ${w}`);
  const split = evaluationSplit(loaded.sequences, options.max_history);
  if (split.users.length === 0) throw new EvalInputError(`${config.data.interactions}: no user has 3 or more items with IDs; nothing to evaluate`);
  const splitKind = splitKindOf(config.data.interactions);
  sink.log('info', `eval: ${split.users.length} users (${split.skippedUsers} skipped), ${ids.ids.length} items, ${split.maxHistory} items of history; backend ${runtime.backend}`);

  const sids: number[][] = ids.ids.map((_, i) => [...ids.codes.subarray(i * ids.levels, (i + 1) * ids.levels), ids.digits[i]]);
  const trie = new SemanticIdTrie(sids, ids.levels + 1);
  if (trie.duplicates > 0) sink.log('warn', `eval: ${trie.duplicates} items share their full ID with another item; beam search can name only one of each`);
  const data: EvalData = {
    windows: trainingWindows(split), validSample: sampleCases(split.valid, options.valid_users, options.seed), valid: split.valid, test: split.test, options, step, runDir,
  };
  const ranks: EvalRanksFile = { users: split.users, models: {} };
  const checkpoint = new EvalCheckpoint(tf, runDir, config, resume, runtime.backend);
  if (checkpoint.resumed) {
    const done = (['retriever', 'sasrec'] as const).filter((m) => checkpoint.ranked(m) !== null);
    sink.log('info', `eval: resuming the interrupted evaluation${done.length > 0 ? ` (${done.join(' and ')} already ranked)` : ''}`);
  }
  /** A model's ranks from the checkpoint, or trained (resuming its fit), ranked and kept there. */
  const inLine = async (job: ModelJob): Promise<RankedModel> => {
    const done = checkpoint.ranked(job.name);
    if (done !== null) return done;
    const ranked = await trainAndRank(tf, job, data, sink, checkpoint.fitStore(job.name));
    checkpoint.saveRanked(job.name, ranked);
    return ranked;
  };

  const wantsSasrec = config.eval.baselines.includes('sasrec');
  // SASRec does not read the IDs: with a second core it trains beside the retriever.
  const sasrecThread = wantsSasrec && checkpoint.ranked('sasrec') === null && checkpoint.ranked('retriever') === null && sasrecInParallel(config, runtime)
    ? new SasrecThread(data, ids.ids.length, runtime.backend, checkpoint, sink)
    : null;
  if (sasrecThread) sink.log('info', 'eval sasrec: trains on a second thread beside the retriever (eval.parallel)');
  const shape = transformerShape(options);
  let retrieverDone: RankedModel;
  try {
    retrieverDone = await inLine({
      name: 'retriever',
      make: () => options.architecture === 'encoder-decoder'
        ? new EncoderDecoderRetriever(tf, shape, trie, sids, evalRandom(options.seed, 'retriever/init'), options.beams)
        : new GenerativeRetriever(tf, shape, trie, sids, evalRandom(options.seed, 'retriever/init'), options.beams),
      describe: (parameters) => `${parameters} parameters (${options.architecture}), ${data.windows.length} training windows, ${data.validSample.length} validation users pick the best epoch`,
    });
  } catch (e) {
    await sasrecThread?.halt(e instanceof EvalInterrupted);
    throw e;
  }
  ranks.models.retriever = { valid: retrieverDone.valid, test: retrieverDone.test };
  const { invalid, generated } = retrieverDone;

  const baselines: EvalReport['baselines'] = {};
  if (config.eval.baselines.includes('popularity')) {
    const pop = popularityRanks(split, ids.ids.length);
    baselines.popularity = { valid: summarizeRanks(pop.valid), test: summarizeRanks(pop.test) };
    ranks.models.popularity = { valid: [...pop.valid], test: [...pop.test] };
  }
  if (wantsSasrec) {
    const sasrecDone = sasrecThread ? await sasrecThread.result : await inLine(sasrecJob(tf, options, ids.ids.length));
    baselines.sasrec = { valid: summarizeRanks(Int32Array.from(sasrecDone.valid)), test: summarizeRanks(Int32Array.from(sasrecDone.test)), model: modelInfo(sasrecDone.fit, sasrecDone.parameters) };
    ranks.models.sasrec = { valid: sasrecDone.valid, test: sasrecDone.test };
  }

  const report: EvalReport = {
    valid: summarizeRanks(Int32Array.from(retrieverDone.valid)),
    test: summarizeRanks(Int32Array.from(retrieverDone.test)),
    users: split.users.length,
    skipped: split.skippedUsers,
    unknown_items: loaded.unknownItems,
    interactions: loaded.totalItems,
    invalid_rate: generated > 0 ? invalid / generated : 0,
    split: splitKind,
    max_history: options.max_history,
    beams: options.beams,
    backend: runtime.backend,
    seconds: round((Date.now() - t0) / 1000, 1),
    retriever: { ...modelInfo(retrieverDone.fit, retrieverDone.parameters), architecture: options.architecture },
    baselines,
    finished_at: now(),
  };
  writeJsonAtomic(path.join(runDir, EVAL_FILES.ranks), ranks);
  writeJsonAtomic(path.join(runDir, EVAL_FILES.report), report);
  checkpoint.discard();
  const latest: RunSummary = { ...readSummary(runDir), eval: flattenReport(report) };
  delete latest.eval_error;
  writeSummary(runDir, latest);
  const baselineTests: Record<string, Record<string, number>> = {};
  for (const [name, m] of Object.entries(baselines)) if (m) baselineTests[name] = { ...m.test };
  sink.emit({ type: 'eval_result', time: now(), step, users: report.users, skipped: report.skipped, invalid_rate: report.invalid_rate, valid: { ...report.valid }, test: { ...report.test }, baselines: baselineTests });
  return report;
}

/** summary.json's `eval`: the retriever's test metrics unprefixed, the rest prefixed. */
export function flattenReport(report: EvalReport): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (prefix: string, m: RetrievalMetrics): void => {
    for (const name of METRIC_NAMES) out[`${prefix}${name}`] = m[name];
  };
  put('', report.test);
  put('valid_', report.valid);
  for (const [name, m] of Object.entries(report.baselines) as [string, SplitMetrics | undefined][]) if (m) put(`${name}_`, m.test);
  out.users = report.users;
  out.invalid_rate = report.invalid_rate;
  return out;
}

/** A fixed random subset of the validation cases (all when n is 0 or covers them). */
function sampleCases(cases: EvalCase[], n: number, seed: number): EvalCase[] {
  if (n === 0 || n >= cases.length) return cases;
  const order = evalRandom(seed, 'valid-sample').permutation(cases.length);
  return Array.from(order.subarray(0, n)).sort((a, b) => a - b).map((i) => cases[i]);
}

/** RecBole's .train/.valid/.test siblings are used as given; everything else is split leave-one-out. */
function splitKindOf(interactions: string): EvalReport['split'] {
  if (!/\.inter$/i.test(interactions)) return 'leave-one-out';
  const base = interactions.replace(/\.(train|valid|test)\.inter$/i, '').replace(/\.inter$/i, '');
  return fs.existsSync(`${base}.valid.inter`) && fs.existsSync(`${base}.test.inter`) ? 'given' : 'leave-one-out';
}

function modelInfo(fit: FitResult, parameters: number): TrainedModelInfo {
  return { epochs: fit.epochs, best_epoch: fit.bestEpoch, steps: fit.steps, seconds: round(fit.seconds, 1), stopped_by: fit.stoppedBy, parameters };
}

export type { EvalSplit };
