/**
 * One model of an evaluation, from first step to per-user ranks: build it, train it on
 * the training windows (resuming its fit from the store), rank every validation and
 * test case, and report progress as `eval_progress` events and log lines. The same code
 * runs in the evaluating thread (the retriever; SASRec when it trains there) and on
 * SASRec's second thread (eval/sasrecThread.ts), so both report alike.
 */
import type { EngineEvent } from '../../protocol';
import type { RetrievalOptions } from '../config/experiment';
import type { TF, Variable } from '../tf/types';
import type { EvalCase, TrainingWindow } from './split';
import type { CheckpointedModel, RankedModel } from './evalCheckpoint';
import type { TransformerShape } from './model/causalTransformer';
import { fitRanker, RANK_BATCH, type FitHooks, type FitStore } from './fit';
import { rankCases, type SequenceRanker } from './ranker';
import { EvalInterrupted } from './errors';
import { round } from '../util/round';

/** Where an evaluation's progress and stop requests go. */
export interface EvalSink {
  emit(event: EngineEvent): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  stopRequested(): boolean;
}

/** What every model of one evaluation trains and is ranked on. */
export interface EvalData {
  windows: TrainingWindow[];
  /** The validation cases that pick the best epoch (a fixed sample). */
  validSample: EvalCase[];
  valid: EvalCase[];
  test: EvalCase[];
  options: RetrievalOptions;
  /** The tokenizer's step, stamped on the eval events. */
  step: number;
  runDir: string;
}

/** A model to evaluate: its name, how to build it, and how to describe it once built. */
export interface ModelJob {
  name: CheckpointedModel;
  make: () => SequenceRanker;
  describe: (parameters: number) => string;
}

export function transformerShape(options: RetrievalOptions): TransformerShape {
  return { layers: options.layers, heads: options.heads, dModel: options.d_model, ff: options.ff, dropout: options.dropout, maxHistory: options.max_history };
}

/** Trains and ranks `job`'s model; throws EvalInterrupted when a stop request ends its training or ranking (the fit is saved in the store first). */
export async function trainAndRank(tf: TF, job: ModelJob, data: EvalData, sink: EvalSink, store: FitStore): Promise<RankedModel> {
  let model!: SequenceRanker;
  // Built inside a tidy, so the initial values its variables copy are freed.
  tf.tidy(() => {
    model = job.make();
  });
  try {
    const parameters = model.variables.reduce((s: number, v: Variable) => s + v.size, 0);
    sink.log('info', `eval ${job.name}: ${job.describe(parameters)}`);
    const fit = await fitRanker(tf, job.name, model, data.windows, data.validSample, data.options, progressHooks(job.name, data, sink), store);
    if (fit.stoppedBy === 'stopped') throw new EvalInterrupted(data.runDir);
    const valid = await rankAll(model, data.valid, job.name, data, sink);
    const test = await rankAll(model, data.test, job.name, data, sink);
    return { fit, parameters, valid: [...valid.ranks], test: [...test.ranks], invalid: test.invalid, generated: test.generated };
  } finally {
    for (const v of model.variables) v.dispose();
  }
}

function progressHooks(name: CheckpointedModel, data: EvalData, sink: EvalSink): FitHooks {
  // A plain progress line about once a minute between epochs (an epoch can take minutes on a CPU).
  let lastLine = Date.now();
  const started = Date.now();
  const perEpoch = Math.ceil(data.windows.length / data.options.batch_size);
  return {
    onStep: (stepsDone, loss) => {
      if (Date.now() - lastLine < 60_000) return;
      lastLine = Date.now();
      const rate = stepsDone / ((Date.now() - started) / 1000);
      sink.log('info', `eval ${name}: step ${stepsDone} (${perEpoch} an epoch), ${rate.toFixed(2)} steps/s, loss ${loss.toFixed(4)}`);
    },
    onEpoch: (p) => {
      sink.emit({ type: 'eval_progress', time: new Date().toISOString(), step: data.step, model: name, phase: 'train', epoch: p.epoch, epochs: p.epochs, model_step: p.step, loss: p.loss, valid_recall10: p.validRecall10, best: p.best, seconds: round(p.seconds, 1) });
      sink.log('info', `eval ${name}: epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)} valid Recall@10 ${p.validRecall10.toFixed(4)}${p.best ? ' (best)' : ''} ${p.seconds.toFixed(0)} s`);
    },
    stopRequested: () => sink.stopRequested(),
  };
}

async function rankAll(model: SequenceRanker, cases: EvalCase[], name: CheckpointedModel, data: EvalData, sink: EvalSink) {
  const t0 = Date.now();
  const result = await rankCases(model, cases, data.options.max_history, RANK_BATCH, () => {
    if (sink.stopRequested()) throw new EvalInterrupted(data.runDir);
  });
  const seconds = (Date.now() - t0) / 1000;
  sink.emit({ type: 'eval_progress', time: new Date().toISOString(), step: data.step, model: name, phase: 'rank', epoch: 0, epochs: 0, model_step: 0, loss: null, valid_recall10: null, best: false, seconds: round(seconds, 1) });
  sink.log('info', `eval ${name}: ranked ${cases.length} users in ${seconds.toFixed(1)} s`);
  return result;
}
