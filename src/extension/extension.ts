/**
 * Extension entry point: builds the one Ctx that owns everything, registers every
 * command through it, and returns a small read-only API (used by the real-VS Code tests).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { engineNodePath, stopTimeoutMs } from './config';
import { Ctx } from './ctx';
import { DashboardPanel } from './dashboard/dashboardPanel';
import { installGpuEngineCommand } from './engine/gpuEngineInstall';
import { registerExperimentFeatures } from './experiments';
import { inspectCommand } from './inspect/inspectCommand';
import { ItemReportDocuments } from './inspect/itemReportDocument';
import { obviousRun, pickRun } from './runPick';
import { createRunStore } from './runs/fileRunStore';
import { StatusDisplay } from './statusDisplay';
import type { SemanticIdsApi } from './testApi';
import { stopCommand, trainCommand } from './training/trainCommand';
import { sweepCommand } from './training/sweepCommand';
import { TrainingManager } from './training/trainingManager';

let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): SemanticIdsApi {
  const c = new Ctx(context, createRunStore(context));
  ctx = c;
  // Also disposed if VS Code skips deactivate(); Ctx.dispose is idempotent.
  context.subscriptions.push(c);
  const manager = c.track(
    new TrainingManager(
      (request) => ({
        enginePath: c.enginePath,
        nodePath: engineNodePath(),
        modulePaths: [c.gpuEngineDir],
        cwd: path.dirname(request.experimentPath),
      }),
      c.log,
      stopTimeoutMs,
    ),
  );
  const status = c.track(new StatusDisplay(manager));
  const dashboard = c.track(new DashboardPanel(c, manager, () => pickRun(c, 'Run to show in the dashboard')));
  const reports = c.track(new ItemReportDocuments());

  c.registerCommand('semid.train', trainCommand(manager));
  c.registerCommand('semid.stop', stopCommand(manager));
  c.registerCommand('semid.openDashboard', () => async (arg: unknown) => {
    const dir = (await obviousRun(c, manager, arg)) ?? (await pickRun(c, 'Run to show in the dashboard'));
    await dashboard.show(dir);
  });
  c.registerCommand('semid.inspectItem', inspectCommand(manager, reports));
  c.registerCommand('semid.installGpuEngine', installGpuEngineCommand());
  c.registerCommand('semid.runSweep', sweepCommand());
  // Experiment files: diagnostics, completion, hovers, CodeLens (experiments/).
  c.track(registerExperimentFeatures(context, c.runs));

  return {
    activeTrainings: () =>
      manager.active.map((t) => ({ experimentPath: t.request.experimentPath, runDir: t.runDir, stopping: t.stopping })),
    shownMessages: () => c.notifications.history,
    statusText: () => status.text,
    dashboard: () => ({ open: dashboard.isOpen, state: dashboard.state, rendered: dashboard.lastRendered }),
    gpuEngineDir: () => c.gpuEngineDir,
  };
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
