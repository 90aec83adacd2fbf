/** "Train RQVAE" and "Stop Training". */
import * as vscode from 'vscode';
import type { CommandHandler, Ctx } from '../ctx';
import { requireTrust } from '../trust';
import { chooseExperimentFile, experimentArgument } from './chooseExperiment';
import type { TrainingManager, TrainingOutcome } from './trainingManager';
import { showTrainingProgress } from './trainingProgress';
import { validateForTraining } from './validateExperiment';

/** What the command returns (the tests read it through executeCommand). */
export type TrainCommandResult = TrainingOutcome | { kind: 'refused' } | { kind: 'invalid' } | undefined;

const OPEN_DASHBOARD = 'Open Dashboard';

export function trainCommand(manager: TrainingManager): (ctx: Ctx) => CommandHandler {
  return (ctx) =>
    async (arg: unknown): Promise<TrainCommandResult> => {
      if (!requireTrust(ctx.notifications, 'Training')) return { kind: 'refused' };
      const file = experimentArgument(arg) ?? (await chooseExperimentFile('Experiment file to train'));
      if (file === undefined) return undefined;
      const config = await validateForTraining(file, ctx.log, ctx.notifications);
      if (!config) return { kind: 'invalid' };
      ctx.runs.watchOutputDir(config.output.dir);
      if (manager.isBusy(file)) {
        const ahead = manager.queuedCount(file);
        void ctx.notifications.info(
          `${config.name} is already training; this training is queued and starts when ${ahead === 0 ? 'it' : `the ${ahead + 1} ahead of it`} end${ahead === 0 ? 's' : ''}.`,
        );
      }
      const outcome = await manager.train({ experimentPath: file, experimentName: config.name, overrides: [] }, (training) =>
        showTrainingProgress(manager, training),
      );
      report(ctx, config.name, outcome);
      return outcome;
    };
}

function report(ctx: Ctx, name: string, outcome: TrainingOutcome): void {
  const openDashboard = (choice: string | undefined) => {
    if (choice === OPEN_DASHBOARD && outcome.runDir) void vscode.commands.executeCommand('semid.openDashboard', outcome.runDir);
  };
  switch (outcome.kind) {
    case 'completed':
      void ctx.notifications.info(`${name}: training completed (${outcome.runDir}).`, OPEN_DASHBOARD).then(openDashboard);
      break;
    case 'interrupted':
      void ctx.notifications
        .info(`${name}: training stopped; the run is marked interrupted and keeps its checkpoint (${outcome.runDir}).`, OPEN_DASHBOARD)
        .then(openDashboard);
      break;
    case 'failed':
      ctx.notifications.errorWithLog(`${name}: training failed: ${outcome.error}`);
      break;
    case 'cancelled':
      void ctx.notifications.info(`${name}: the queued training was cancelled.`);
      break;
  }
}

export function stopCommand(manager: TrainingManager): (ctx: Ctx) => CommandHandler {
  return (ctx) => async (arg: unknown) => {
    const file = experimentArgument(arg);
    const active = manager.active;
    if (active.length === 0) {
      void ctx.notifications.info('no training is running.');
      return 0;
    }
    if (file !== undefined || active.length === 1) return manager.stop(file ?? active[0].request.experimentPath);
    const picked = await vscode.window.showQuickPick(
      [{ label: 'Stop all', path: undefined as string | undefined }, ...active.map((t) => ({ label: t.request.experimentName, description: t.runDir ?? '', path: t.request.experimentPath }))],
      { placeHolder: 'Training to stop' },
    );
    if (!picked) return 0;
    return manager.stop(picked.path);
  };
}
