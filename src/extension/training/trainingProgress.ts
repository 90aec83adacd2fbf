/**
 * The progress notification of one training: step, loss and ETA from the engine's
 * events; its Cancel asks the engine for a graceful stop.
 */
import * as vscode from 'vscode';
import type { ActiveTraining, TrainingManager } from './trainingManager';

export function showTrainingProgress(manager: TrainingManager, training: ActiveTraining): void {
  const name = training.request.experimentName;
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Training ${name}`, cancellable: true },
    (progress, token) =>
      new Promise<void>((resolve) => {
        let reported = 0;
        const subscriptions: vscode.Disposable[] = [];
        const finish = () => {
          for (const s of subscriptions) s.dispose();
          resolve();
        };
        subscriptions.push(
          token.onCancellationRequested(() => {
            progress.report({ message: 'stopping: saving a checkpoint…' });
            manager.stop(training.request.experimentPath);
          }),
          manager.onDidReceiveEvent(({ training: t, event }) => {
            if (t !== training) return;
            if (event.type === 'run_started') progress.report({ message: `starting on ${event.backend}…` });
            if (event.type !== 'progress') return;
            const percent = event.total_steps > 0 ? (100 * event.step) / event.total_steps : 0;
            const eta = event.eta_seconds > 0 ? ` · ETA ${formatSeconds(event.eta_seconds)}` : '';
            progress.report({
              increment: Math.max(0, percent - reported),
              message: `epoch ${event.epoch + 1}/${event.epochs} · step ${event.step}/${event.total_steps}${eta}`,
            });
            reported = Math.max(reported, percent);
          }),
          manager.onDidFinish(({ training: t }) => {
            if (t === training) finish();
          }),
        );
        // withProgress may run this after an engine that failed at once already finished.
        if (training.finished) finish();
        else progress.report({ message: 'starting the engine…' });
      }),
  );
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
