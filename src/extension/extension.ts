/**
 * Extension entry point: builds the one Ctx that owns everything, registers every
 * command through it, keeps the context keys of the manifest's `when` clauses current,
 * and, under the extension tests only (ExtensionMode.Test), returns a small read-only API.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { engineNodePath, stopTimeoutMs } from './config';
import { Ctx } from './ctx';
import { DashboardPanel, registerDashboardSerializer } from './dashboard/dashboardPanel';
import { DeadCodeAlerts } from './dashboard/deadCodeAlerts';
import { ExplorerPanel, registerExplorerSerializer } from './explorer/explorerPanel';
import { inspectInExplorer } from './explorer/inspectInExplorer';
import { RunsTree, runDirOf } from './runsView/runsTree';
import { installGpuEngineCommand } from './engine/gpuEngineInstall';
import { registerExperimentFeatures } from './experiments';
import { inspectCommand } from './inspect/inspectCommand';
import { ItemReportDocuments } from './inspect/itemReportDocument';
import { obviousRun, pickRun, pickRuns } from './runPick';
import { createRunStore } from './runs/fileRunStore';
import { StatusDisplay } from './statusDisplay';
import type { SemanticIdsApi } from './testApi';
import { resumeCommand, stopCommand, trainCommand } from './training/trainCommand';
import { sweepCommand } from './training/sweepCommand';
import { TrainingManager } from './training/trainingManager';

/** Context key: a training runs (Stop's enablement and palette entry). */
const TRAINING_KEY = 'semid.training';

let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): SemanticIdsApi | undefined {
  const c = new Ctx(context, createRunStore);
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
  // Experiment files: diagnostics, completion, hovers, CodeLens (experiments/).
  const experiments = c.track(registerExperimentFeatures(c.runs, c.log, (message) => void c.notifications.warning(message), path.join(context.extensionPath, 'schemas', 'experiment.schema.json')));
  const status = c.track(new StatusDisplay(manager, experiments.hasExperiments, experiments.onDidChangeFiles));
  const dashboard = c.track(
    new DashboardPanel(
      c,
      manager,
      (placeHolder) => pickRun(c, placeHolder),
      (placeHolder) => pickRuns(c, placeHolder),
    ),
  );
  const explorer = c.track(new ExplorerPanel(c, () => pickRun(c, 'Run whose semantic IDs to explore', (r) => r.summary.status === 'completed')));
  dashboard.openExplorer = (dir, pattern) => void explorer.show(dir, pattern).catch((e: unknown) => c.log.warn(`explorer: ${String(e)}`));
  c.track(registerDashboardSerializer(dashboard));
  c.track(registerExplorerSerializer(explorer));
  c.track(new DeadCodeAlerts(c, manager));
  const runsTree = c.track(new RunsTree(c, manager));
  c.track(vscode.window.registerTreeDataProvider('semid.runs', runsTree));
  const reports = c.track(new ItemReportDocuments());

  c.registerCommand('semid.train', trainCommand(manager));
  c.registerCommand('semid.resume', resumeCommand(manager));
  c.registerCommand('semid.stop', stopCommand(manager));
  c.registerCommand('semid.openDashboard', () => async (arg: unknown) => {
    const dir = (await obviousRun(c, manager, arg)) ?? (await pickRun(c, 'Run to show in the dashboard'));
    await dashboard.show(dir);
  });
  c.registerCommand('semid.inspectItem', inspectInExplorer(manager, explorer, inspectCommand(manager, reports)));
  c.registerCommand('semid.openExplorer', () => async (arg: unknown) => {
    const dir =
      runDirOf(arg) ?? (await pickRun(c, 'Run whose semantic IDs to explore', (r) => r.summary.status === 'completed'));
    if (dir) await explorer.show(dir);
  });
  c.registerCommand('semid.overlayRun', () => async (arg: unknown) => {
    const dir = runDirOf(arg);
    if (dir) await dashboard.overlay(dir);
  });
  c.registerCommand('semid.refreshRuns', () => () => runsTree.refresh());
  c.registerCommand('semid.installGpuEngine', installGpuEngineCommand());
  c.registerCommand('semid.runSweep', sweepCommand());

  c.track(manager.onDidChange(() => void vscode.commands.executeCommand('setContext', TRAINING_KEY, manager.active.length > 0)));
  // The run's summary.json is final when the engine exits: read it now, so the CodeLens
  // and hovers show the finished run at once instead of after the file watcher's next poll.
  c.track(
    manager.onDidFinish(({ outcome }) => {
      const refreshed = outcome.runDir ? c.runs.refresh(outcome.runDir) : Promise.resolve(undefined);
      void refreshed.catch(() => undefined).then(() => experiments.refreshCodeLens());
    }),
  );

  if (!c.isTest) return undefined;
  return {
    activeTrainings: () =>
      manager.active.map((t) => ({ experimentPath: t.request.experimentPath, runDir: t.runDir, stopping: t.stopping })),
    shownMessages: () => c.notifications.history,
    statusText: () => status.text,
    statusVisible: () => status.visible,
    dashboard: () => ({ open: dashboard.isOpen, state: dashboard.state, rendered: dashboard.lastRendered }),
    explorer: () => ({ open: explorer.isOpen, rendered: explorer.lastRendered }),
    gpuEngineDir: () => c.gpuEngineDir,
  };
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
