/**
 * "Inspect Item by Semantic ID": an ID or prefix, a run, a pick among the matching
 * items, then a read-only report of the chosen item. Works without workspace trust:
 * it only reads run files.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { displayTitle, inspectItem, inspectPrefix, type ItemReport } from '../../engine/diagnostics/inspect';
import { formatSid, parsePrefix } from '../../engine/ids/sidText';
import type { CommandHandler, Ctx } from '../ctx';
import { obviousRun, pickRun } from '../runPick';
import type { TrainingManager } from '../training/trainingManager';
import { itemReportMarkdown, type ItemReportDocuments } from './itemReportDocument';
import { RunInspectionCache } from './runInspection';

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
  const cache = new RunInspectionCache();
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
      const inspection = await cache.get(runDir);
      if (inspection.catalogProblem) ctx.log.warn(`inspect ${runDir}: no titles (${inspection.catalogProblem})`);
      const found = inspectPrefix(inspection.index, parsePrefix(text, inspection.index.prefixes.width), { limit: MAX_LISTED });
      const runLabel = path.basename(runDir);
      if (found.count === 0) {
        void ctx.notifications.info(`no item's semantic ID starts with ${formatSid(codes)} in run ${runLabel}.`);
        return undefined;
      }
      const itemId =
        given.itemId ??
        (
          await vscode.window.showQuickPick(
            found.items.map((it) => ({
              label: it.title ? displayTitle(it.title) : it.id,
              description: formatSid(it.sid),
              detail: it.id,
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
      const report = inspectItem(inspection.index, itemId);
      const document = documents.put(runLabel, report, itemReportMarkdown(report, inspection.catalog, runLabel, inspection.catalogProblem));
      const doc = await vscode.workspace.openTextDocument(document);
      await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
      await vscode.window.showTextDocument(doc, { preview: true });
      return { runDir, report, document };
    };
}
