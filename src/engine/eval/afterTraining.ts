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

export async function evaluateAfterTraining(runDir: string, config: ExperimentConfig, runtime: EngineRuntime, sink: EvalSink): Promise<RunSummary> {
  try {
    await evaluateRun(runDir, config, runtime, sink);
  } catch (e) {
    const message = e instanceof EvalInterrupted ? 'evaluation interrupted' : e instanceof Error ? e.message : String(e);
    sink.log(e instanceof EvalInterrupted ? 'warn' : 'error', `eval: ${message}; evaluate again with: semid eval ${runDir}`);
    writeSummary(runDir, { ...readSummary(runDir), eval_error: message });
  }
  return readSummary(runDir);
}

/** A completed run that a sweep keeps but that was never evaluated (or whose evaluation failed): evaluate it now. */
export async function evaluateFinishedRun(runDir: string, config: ExperimentConfig, listener: JobListener): Promise<RunSummary> {
  const runtime = await initBackend(config.engine.backend, config.engine.threads);
  const recorder = new RunRecorder(runDir, listener);
  try {
    return await evaluateAfterTraining(runDir, config, runtime, recorder);
  } finally {
    recorder.close();
  }
}
