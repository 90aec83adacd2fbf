/**
 * Evaluation after training (an experiment with an `eval:` block). The tokenizer run
 * has completed either way: an evaluation that fails is logged and noted in
 * summary.json (`eval_error`), and `semid eval <run-dir>` can redo it.
 */
import type { RunSummary } from '../../protocol';
import { initBackend } from '../tf/backend';
import { RunRecorder, type JobListener } from '../jobs/runRecorder';
import type { ExperimentConfig } from '../config/experiment';
import type { EngineRuntime } from '../tf/backend';
import { readSummary, writeSummary } from '../run/runDirectory';
import { evaluateRun, EvalInterrupted, type EvalSink } from './evaluateRun';
import type { ResumeMode } from './evalCheckpoint';

export async function evaluateAfterTraining(runDir: string, config: ExperimentConfig, runtime: EngineRuntime, sink: EvalSink, resume: ResumeMode = 'no'): Promise<RunSummary> {
  try {
    await evaluateRun(runDir, config, runtime, sink, resume);
  } catch (e) {
    const interrupted = e instanceof EvalInterrupted;
    const message = interrupted ? 'evaluation interrupted' : e instanceof Error ? e.message : String(e);
    sink.log(interrupted ? 'warn' : 'error', `eval: ${message}; ${interrupted ? `continue with: semid eval ${runDir} --resume` : `evaluate again with: semid eval ${runDir}`}`);
    writeSummary(runDir, { ...readSummary(runDir), eval_error: message });
  }
  return readSummary(runDir);
}

/**
 * A completed run that a sweep keeps but that was never evaluated (or whose evaluation
 * failed or was interrupted): evaluate it now, continuing an interrupted evaluation
 * with the same settings from its checkpoint.
 */
export async function evaluateFinishedRun(runDir: string, config: ExperimentConfig, listener: JobListener): Promise<RunSummary> {
  const runtime = await initBackend(config.engine.backend, config.engine.threads);
  const recorder = new RunRecorder(runDir, listener);
  try {
    return await evaluateAfterTraining(runDir, config, runtime, recorder, 'if-present');
  } finally {
    recorder.close();
  }
}
