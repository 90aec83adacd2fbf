/** "Train RQVAE", "Resume Interrupted Training" and "Stop Training". */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandHandler, Ctx } from '../ctx';
import { requireTrust } from '../trust';
import { chooseExperimentFile, experimentArgument, isExperimentFile } from './chooseExperiment';
import { pickRun, runsOfExperiment } from '../runPick';
import type { TrainingManager, TrainingOutcome } from './trainingManager';
import { showTrainingProgress } from './trainingProgress';
import { validateForTraining } from './validateExperiment';

/** What the command returns (the tests read it through executeCommand). */
export type TrainCommandResult = TrainingOutcome | { kind: 'refused' } | { kind: 'invalid' } | undefined;

const OPEN_DASHBOARD = 'Open Dashboard';
const RESUME = 'Resume';

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
      const outcome = await manager.train({ experimentPath: file, experimentName: config.name, overrides: [], resumeDir: null }, (training) =>
        showTrainingProgress(manager, training),
      );
      await settle(ctx, outcome);
      report(ctx, config.name, outcome);
      return outcome;
    };
}

/**
 * Continues an interrupted run from its last checkpoint, as `semid train --resume` does
 * (the engine decides whether the run can resume, and says why not). The argument is
 * the run directory (notification, CodeLens, tests) or an experiment file (its newest
 * interrupted run); without one the user picks among interrupted runs.
 */
export function resumeCommand(manager: TrainingManager): (ctx: Ctx) => CommandHandler {
  return (ctx) =>
    async (arg: unknown): Promise<TrainCommandResult> => {
      if (!requireTrust(ctx.notifications, 'Resuming a training')) return { kind: 'refused' };
      const runDir = await interruptedRun(ctx, arg);
      if (runDir === undefined) return undefined;
      const record = await ctx.runs.get(runDir);
      if (!record) {
        ctx.notifications.errorWithLog(`${runDir} is not a run directory (no readable summary.json).`);
        return { kind: 'invalid' };
      }
      const { summary } = record;
      if (summary.status !== 'interrupted') {
        void ctx.notifications.info(`run ${summary.run_id} is ${summary.status}; only an interrupted run can be resumed.`);
        return { kind: 'invalid' };
      }
      const name = summary.experiment;
      const outcome = await manager.train(
        { experimentPath: summary.experiment_path, experimentName: name, overrides: [], resumeDir: runDir },
        (training) => showTrainingProgress(manager, training),
      );
      await settle(ctx, outcome);
      report(ctx, name, outcome);
      return outcome;
    };
}

async function interruptedRun(ctx: Ctx, arg: unknown): Promise<string | undefined> {
  const given = experimentArgument(arg);
  if (given !== undefined && isExperimentFile(given)) {
    const latest = (await runsOfExperiment(ctx, given)).find((r) => r.summary.status === 'interrupted');
    if (latest) return latest.dir;
    void ctx.notifications.info(`${path.basename(given)} has no interrupted run to resume.`);
    return undefined;
  }
  if (given !== undefined) return given;
  return pickRun(ctx, 'Interrupted run to resume', (r) => r.summary.status === 'interrupted');
}

/**
 * The run's summary.json is final once the engine has exited: the store reads it before
 * the command returns, so CodeLens, hovers and pickers show the finished run at once
 * rather than after the file watcher's next look.
 */
async function settle(ctx: Ctx, outcome: TrainingOutcome): Promise<void> {
  if (outcome.runDir) await ctx.runs.refresh(outcome.runDir).catch(() => undefined);
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
        .info(
          outcome.note
            ? `${name}: training stopped: ${outcome.note} (${outcome.runDir}).`
            : `${name}: training stopped; the run is marked interrupted and keeps its checkpoint (${outcome.runDir}).`,
          RESUME,
          OPEN_DASHBOARD,
        )
        .then((choice) => {
          if (choice === RESUME && outcome.runDir) void vscode.commands.executeCommand('semid.resume', outcome.runDir);
          else openDashboard(choice);
        });
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
