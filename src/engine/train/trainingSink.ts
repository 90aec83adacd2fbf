/**
 * The types the training loop (trainer.ts) and the seed method (seedMethod.ts) share,
 * in a file of their own so neither imports the other's module.
 */
import type { EngineEvent } from '../../protocol';
import type { Tensor2D } from '../tf/types';
import type { RqVae } from '../model/rqvae';

/** What the training loop reports to (the run recorder, then the CLI or the extension). */
export interface TrainingSink {
  emit(event: EngineEvent): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  stopRequested(): boolean;
  /** Optional look at the model after each step (benches' diagnostics, e.g. bench/collabHeldOut.ts); must not change it. */
  inspect?(step: number, model: RqVae): void;
}

/** What one optimizer step gives the seed method. */
export interface StepReport {
  losses: Omit<Extract<EngineEvent, { type: 'losses' }>, 'type' | 'time' | 'step' | 'epoch'>;
  /** Row-major rows x levels. */
  codes: Int32Array;
  finite: boolean;
  /** Per level r_{l-1} of this batch, kept only when the seed method asked for it. */
  residuals: Tensor2D[] | null;
}
