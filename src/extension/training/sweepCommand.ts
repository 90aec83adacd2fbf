/**
 * "Run Ablation Sweep": `semid sweep <experiment>` as a VS Code Task (ProcessExecution),
 * so it shows in the terminal panel with its progress bar, can be re-run or stopped like
 * any task, and its end opens the sweep's comparison. Its runs appear in the dashboard
 * and hovers through the RunStore like any run started in a terminal.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMPARISON_FILES, EXIT } from '../../protocol';
import { engineNodePath } from '../config';
import type { CommandHandler, Ctx } from '../ctx';
import { requireTrust } from '../trust';
import { chooseExperimentFile, experimentArgument } from './chooseExperiment';
import { validateForTraining } from './validateExperiment';

/** The task type declared in package.json (contributes.taskDefinitions). */
export const SWEEP_TASK_TYPE = 'semid';

export type SweepResult = { kind: 'started'; task: string } | { kind: 'refused' } | { kind: 'invalid' } | undefined;

export function sweepCommand(): (ctx: Ctx) => CommandHandler {
  return (ctx) =>
    async (arg: unknown): Promise<SweepResult> => {
      if (!requireTrust(ctx.notifications, 'Running a sweep')) return { kind: 'refused' };
      const file = experimentArgument(arg) ?? (await chooseExperimentFile('Experiment file to sweep'));
      if (file === undefined) return undefined;
      const config = await validateForTraining(file, ctx.log, ctx.notifications);
      if (!config) return { kind: 'invalid' };
      ctx.runs.watchOutputDir(config.output.dir);
      const name = `sweep ${config.name}`;
      const nodePath = engineNodePath();
      const execution = new vscode.ProcessExecution(nodePath ?? process.execPath, [ctx.enginePath, 'sweep', file], {
        cwd: path.dirname(file),
        // As for training (engine/engineClient.ts): VS Code's Node unless a Node path is set,
        // and the GPU engine installed by "Install GPU Engine" on the module path.
        env: { ...(nodePath ? {} : { ELECTRON_RUN_AS_NODE: '1' }), SEMID_MODULE_PATHS: ctx.gpuEngineDir },
      });
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)) ?? vscode.TaskScope.Workspace;
      const task = new vscode.Task({ type: SWEEP_TASK_TYPE, command: 'sweep', experiment: file }, folder, name, 'semid', execution);
      task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
      const started = await vscode.tasks.executeTask(task);
      const comparison = path.join(config.output.dir, config.name, COMPARISON_FILES.markdown);
      const ended = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution !== started) return;
        ended.dispose();
        ctx.log.info(`${name}: exit code ${e.exitCode ?? 'none'}`);
        if (e.exitCode === EXIT.completed) {
          void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(comparison));
        } else if (e.exitCode === EXIT.interrupted) {
          void ctx.notifications.info(`${name} was interrupted; run it again to continue (finished runs are kept).`);
        } else if (e.exitCode !== undefined) {
          ctx.notifications.errorWithLog(`${name} failed (exit code ${e.exitCode}); its output is in the task's terminal.`);
        }
      });
      ctx.track(ended);
      return { kind: 'started', task: name };
    };
}
