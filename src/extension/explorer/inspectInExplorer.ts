/**
 * "Inspect Item by Semantic ID" from the palette: a prefix, an item id or title
 * words, then the run; it lands in the Semantic-ID Explorer with that search.
 * Called with arguments (tests, links) the command keeps its report document.
 */
import * as vscode from 'vscode';
import type { CommandHandler, Ctx } from '../ctx';
import { obviousRun, pickRun } from '../runPick';
import type { TrainingManager } from '../training/trainingManager';
import type { ExplorerPanel } from './explorerPanel';

export function inspectInExplorer(manager: TrainingManager, explorer: ExplorerPanel, report: (ctx: Ctx) => CommandHandler): (ctx: Ctx) => CommandHandler {
  return (ctx) => {
    const withArguments = report(ctx);
    return async (arg: unknown) => {
      if (typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri)) return withArguments(arg);
      const query = await vscode.window.showInputBox({
        title: 'Inspect Item by Semantic ID',
        prompt: 'A semantic ID or a prefix (12-4, 12/4, <a_12><b_4>), an item id, or words of a title',
        placeHolder: '12-4',
      });
      if (query === undefined) return undefined;
      const training = manager.active.at(-1)?.runDir;
      const runDir =
        (training ? undefined : await obviousRun(ctx, manager, undefined)) ??
        (await pickRun(ctx, 'Run whose semantic IDs to search', (r) => r.summary.status === 'completed'));
      if (runDir === undefined) return undefined;
      await explorer.show(runDir, null, query);
      return undefined;
    };
  };
}
