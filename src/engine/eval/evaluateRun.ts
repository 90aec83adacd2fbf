/**
 * Evaluates a finished run's semantic IDs as TIGER does (design §5): split the run's
 * interactions, train the generative retriever (and SASRec) on the training part with
 * early stopping on validation, rank every user's validation and test item, score the
 * baselines on the same split, and write eval.json, eval_ranks.json, summary.json's
 * `eval` and the eval events of metrics.jsonl. `semid eval` and the evaluation after
 * training (an experiment with an `eval:` block) both come here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvalReport, EvalRanksFile, RetrievalMetrics, RunSummary, SplitMetrics, TrainedModelInfo, EngineEvent } from '../../protocol';
import type { ExperimentConfig } from '../config/experiment';
import type { EngineRuntime } from '../tf/backend';
import type { TF, Variable } from '../tf/types';
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
import { SasRec } from './model/sasrec';
import { fitRanker, RANK_BATCH, type FitResult } from './fit';
import { rankCases, type SequenceRanker } from './ranker';
import type { TransformerShape } from './model/causalTransformer';
import { evalRandom } from './streams';
import { EvalInputError, EvalInterrupted } from './errors';
import { EvalCheckpoint, type CheckpointedModel, type RankedModel, type ResumeMode } from './evalCheckpoint';

export const EVAL_FILES = { report: 'eval.json', ranks: 'eval_ranks.json' } as const;

export { EvalInputError, EvalInterrupted };

export interface EvalSink {
  emit(event: EngineEvent): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  stopRequested(): boolean;
}

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
  const summary = readSummary(runDir);
  const step = summary.steps;
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
  const windows = trainingWindows(split);
  const validSample = sampleCases(split.valid, options.valid_users, options.seed);
  const shape: TransformerShape = {
    layers: options.layers, heads: options.heads, dModel: options.d_model, ff: options.ff, dropout: options.dropout, maxHistory: options.max_history,
  };
  const ranks: EvalRanksFile = { users: split.users, models: {} };
  const checkpoint = new EvalCheckpoint(tf, runDir, config, resume, runtime.backend);
  if (checkpoint.resumed) {
    const done = (['retriever', 'sasrec'] as const).filter((m) => checkpoint.ranked(m) !== null);
    sink.log('info', `eval: resuming the interrupted evaluation${done.length > 0 ? ` (${done.join(' and ')} already ranked)` : ''}`);
  }
  const hooks = (model: 'retriever' | 'sasrec') => {
    // A plain progress line about once a minute between epochs (an epoch can take minutes on a CPU).
    let lastLine = Date.now();
    const started = Date.now();
    const perEpoch = Math.ceil(windows.length / options.batch_size);
    return {
      onStep: (stepsDone: number, loss: number) => {
        if (Date.now() - lastLine < 60_000) return;
        lastLine = Date.now();
        const rate = stepsDone / ((Date.now() - started) / 1000);
        sink.log('info', `eval ${model}: step ${stepsDone} (${perEpoch} an epoch), ${rate.toFixed(2)} steps/s, loss ${loss.toFixed(4)}`);
      },
      onEpoch: (p: { epoch: number; epochs: number; step: number; loss: number; validRecall10: number; best: boolean; seconds: number }) => {
        sink.emit({ type: 'eval_progress', time: now(), step, model, phase: 'train', epoch: p.epoch, epochs: p.epochs, model_step: p.step, loss: p.loss, valid_recall10: p.validRecall10, best: p.best, seconds: round(p.seconds, 1) });
        sink.log('info', `eval ${model}: epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)} valid Recall@10 ${p.validRecall10.toFixed(4)}${p.best ? ' (best)' : ''} ${p.seconds.toFixed(0)} s`);
      },
      stopRequested: () => sink.stopRequested(),
    };
  };

  /** A model's ranks from the checkpoint, or built, trained (resuming its fit) and ranked, then kept there. */
  const fitAndRank = async (name: CheckpointedModel, make: () => SequenceRanker, describe: (parameters: number) => string): Promise<RankedModel> => {
    const done = checkpoint.ranked(name);
    if (done !== null) return done;
    const model = build(tf, make);
    try {
      const parameters = parameterCount(model.variables);
      sink.log('info', `eval ${name}: ${describe(parameters)}`);
      const fit = await fitRanker(tf, name, model, windows, validSample, options, hooks(name), checkpoint.fitStore(name));
      if (fit.stoppedBy === 'stopped') throw new EvalInterrupted(runDir);
      const valid = await rankAll(model, split.valid, options.max_history, sink, name, step, now, runDir);
      const test = await rankAll(model, split.test, options.max_history, sink, name, step, now, runDir);
      const ranked: RankedModel = { fit, parameters, valid: [...valid.ranks], test: [...test.ranks], invalid: test.invalid, generated: test.generated };
      checkpoint.saveRanked(name, ranked);
      return ranked;
    } finally {
      for (const v of model.variables) v.dispose();
    }
  };

  const retrieverDone = await fitAndRank(
    'retriever',
    () => options.architecture === 'encoder-decoder'
      ? new EncoderDecoderRetriever(tf, shape, trie, sids, evalRandom(options.seed, 'retriever/init'), options.beams)
      : new GenerativeRetriever(tf, shape, trie, sids, evalRandom(options.seed, 'retriever/init'), options.beams),
    (parameters) => `${parameters} parameters (${options.architecture}), ${windows.length} training windows, ${validSample.length} validation users pick the best epoch`,
  );
  ranks.models.retriever = { valid: retrieverDone.valid, test: retrieverDone.test };
  const { invalid, generated } = retrieverDone;

  const baselines: EvalReport['baselines'] = {};
  if (config.eval.baselines.includes('popularity')) {
    const pop = popularityRanks(split, ids.ids.length);
    baselines.popularity = { valid: summarizeRanks(pop.valid), test: summarizeRanks(pop.test) };
    ranks.models.popularity = { valid: [...pop.valid], test: [...pop.test] };
  }
  if (config.eval.baselines.includes('sasrec')) {
    const sasrecDone = await fitAndRank(
      'sasrec',
      () => new SasRec(tf, shape, ids.ids.length, evalRandom(options.seed, 'sasrec/init')),
      (parameters) => `${parameters} parameters (full softmax over ${ids.ids.length} items)`,
    );
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

async function rankAll(model: SequenceRanker, cases: EvalCase[], maxHistory: number, sink: EvalSink, name: 'retriever' | 'sasrec', step: number, now: () => string, runDir: string) {
  const t0 = Date.now();
  const result = await rankCases(model, cases, maxHistory, RANK_BATCH, () => {
    if (sink.stopRequested()) throw new EvalInterrupted(runDir);
  });
  const seconds = (Date.now() - t0) / 1000;
  sink.emit({ type: 'eval_progress', time: now(), step, model: name, phase: 'rank', epoch: 0, epochs: 0, model_step: 0, loss: null, valid_recall10: null, best: false, seconds: round(seconds, 1) });
  sink.log('info', `eval ${name}: ranked ${cases.length} users in ${seconds.toFixed(1)} s`);
  return result;
}

/** A fixed random subset of the validation cases (all when n is 0 or covers them). */
function sampleCases(cases: EvalCase[], n: number, seed: number): EvalCase[] {
  if (n === 0 || n >= cases.length) return cases;
  const order = evalRandom(seed, 'valid-sample').permutation(cases.length);
  return Array.from(order.subarray(0, n)).sort((a, b) => a - b).map((i) => cases[i]);
}

/** Builds a model inside a tidy, so the initial values its variables copy are freed. */
function build<T>(tf: TF, make: () => T): T {
  let model!: T;
  tf.tidy(() => {
    model = make();
  });
  return model;
}

function parameterCount(variables: Variable[]): number {
  return variables.reduce((s, v) => s + v.size, 0);
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

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export type { EvalSplit };
