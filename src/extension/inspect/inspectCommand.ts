/**
 * "Inspect Item by Semantic ID": an ID or prefix, a run, a pick among the matching
 * items, then a read-only report of the chosen item. The engine answers the queries
 * (`semid inspect --json`, engineInspect.ts). Works without workspace trust: the
 * engine only reads the run's files.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatSid, parsePrefix, type ItemReport } from '../../protocol';
import { engineNodePath } from '../config';
import type { CommandHandler, Ctx } from '../ctx';
import { obviousRun, pickRun } from '../runPick';
import type { TrainingManager } from '../training/trainingManager';
import { plainLabel } from '../markdownText';
import { inspectItemInEngine, inspectPrefixInEngine, InspectRefused, type EngineCommand } from './engineInspect';
import { itemReportMarkdown, type ItemReportDocuments } from './itemReportDocument';

/** Arguments the command accepts when called programmatically (tests, links); each skips its prompt. */
export interface InspectArguments {
  prefix?: string;
  runDir?: string;
  itemId?: string;
}

export interface InspectResult {
  runDir: string;
  report: ItemReport;
  document: vscode.Uri;
}

const MAX_LISTED = 1000;

export function inspectCommand(manager: TrainingManager, documents: ItemReportDocuments): (ctx: Ctx) => CommandHandler {
  return (ctx) =>
    async (arg: unknown): Promise<InspectResult | undefined> => {
      const given: InspectArguments = typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? (arg as InspectArguments) : {};
      const text =
        given.prefix ??
        (await vscode.window.showInputBox({
          title: 'Inspect Item by Semantic ID',
          prompt: 'A semantic ID or a prefix of one',
          placeHolder: '12-4, 12-4-7-0 or <a_12><b_4>',
          validateInput: (value) => {
            try {
              parsePrefix(value);
              return null;
            } catch (err) {
              return err instanceof Error ? err.message : String(err);
            }
          },
        }));
      if (text === undefined) return undefined;
      const codes = parsePrefix(text);
      const runDir =
        given.runDir ??
        (await obviousRun(ctx, manager, undefined)) ??
        (await pickRun(ctx, 'Run whose semantic IDs to search', (r) => r.summary.status === 'completed'));
      if (runDir === undefined) return undefined;
      const engine: EngineCommand = { cliPath: ctx.enginePath, nodePath: engineNodePath() };
      const runLabel = path.basename(runDir);
      let found;
      try {
        found = await inspectPrefixInEngine(engine, runDir, text, MAX_LISTED);
      } catch (err) {
        if (!(err instanceof InspectRefused)) throw err;
        void ctx.notifications.info(`${err.message} (run ${runLabel})`);
        return undefined;
      }
      if (found.count === 0) {
        void ctx.notifications.info(`no item's semantic ID starts with ${formatSid(codes)} in run ${runLabel}.`);
        return undefined;
      }
      const itemId =
        given.itemId ??
        (
          await vscode.window.showQuickPick(
            // Catalog text: no $(icon) syntax, one line.
            found.items.map((it) => ({
              label: plainLabel(it.title ?? it.id),
              description: formatSid(it.sid),
              detail: plainLabel(it.id),
              id: it.id,
            })),
            {
              title: `${found.count} item${found.count === 1 ? '' : 's'} under ${formatSid(found.prefix)}${found.count > found.items.length ? ` (first ${found.items.length})` : ''} · run ${runLabel}`,
              placeHolder: 'Item to inspect',
              matchOnDescription: true,
              matchOnDetail: true,
            },
          )
        )?.id;
      if (itemId === undefined) return undefined;
      const report = await inspectItemInEngine(engine, runDir, itemId);
      if (report.catalogProblem) ctx.log.warn(`inspect ${runDir}: no titles (${report.catalogProblem})`);
      const document = documents.put(runLabel, report, itemReportMarkdown(report, runLabel));
      const doc = await vscode.workspace.openTextDocument(document);
      await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
      await vscode.window.showTextDocument(doc, { preview: true });
      return { runDir, report, document };
    };
}
