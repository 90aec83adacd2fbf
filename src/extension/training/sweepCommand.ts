/**
 * "Run Ablation Sweep": `semid sweep <experiment>` in a terminal, so its progress bar
 * and comparison table read as on the command line; its runs appear in the dashboard
 * and hovers through the RunStore like any run started in a terminal.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { engineNodePath } from '../config';
import type { CommandHandler, Ctx } from '../ctx';
import { requireTrust } from '../trust';
import { chooseExperimentFile, experimentArgument } from './chooseExperiment';
import { validateForTraining } from './validateExperiment';

export type SweepResult = { kind: 'started'; terminal: string } | { kind: 'refused' } | { kind: 'invalid' } | undefined;

export function sweepCommand(): (ctx: Ctx) => CommandHandler {
  return (ctx) =>
    async (arg: unknown): Promise<SweepResult> => {
      if (!requireTrust(ctx.notifications, 'Running a sweep')) return { kind: 'refused' };
      const cli = path.join(ctx.extension.extensionPath, 'dist', 'cli.js');
      const file = experimentArgument(arg) ?? (await chooseExperimentFile('Experiment file to sweep'));
      if (file === undefined) return undefined;
      const config = await validateForTraining(file, ctx.log, ctx.notifications);
      if (!config) return { kind: 'invalid' };
      ctx.runs.watchOutputDir(config.output.dir);
      const name = `semid sweep: ${config.name}`;
      const terminal = vscode.window.createTerminal({
        name,
        cwd: path.dirname(file),
        shellPath: engineNodePath() ?? process.execPath,
        shellArgs: [cli, 'sweep', file],
        // As for training (engine/engineClient.ts): VS Code's Node unless a Node path is set,
        // and the GPU engine installed by "Install GPU Engine" on the module path.
        env: { ...(engineNodePath() ? {} : { ELECTRON_RUN_AS_NODE: '1' }), SEMID_MODULE_PATHS: ctx.gpuEngineDir },
      });
      terminal.show();
      return { kind: 'started', terminal: name };
    };
}
