/**
 * Hover docs of experiment keys (description, default, allowed values) and, below them,
 * the latest run's metrics. Where the Red Hat YAML extension shows the key docs from
 * our schema, only the metrics are shown here.
 */
import * as vscode from 'vscode';
import { keySpec, sectionSpec } from '../../engine/config';
import type { RunStore } from '../runs/runStore';
import { keyMarkdown, sectionMarkdown } from './keyDocs';
import { OPEN_DASHBOARD_COMMAND, runHoverMarkdown } from './runHover';
import { metricFamily } from './runMetrics';
import { keyAt } from './yamlCursor';
import { yamlExtensionCovers } from './yamlExtension';

export class ExperimentHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly isExperiment: (document: vscode.TextDocument) => boolean,
    private readonly runs: RunStore,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!this.isExperiment(document)) return undefined;
    const key = keyAt(document.getText(), document.offsetAt(position));
    if (!key) return undefined;
    const spec = keySpec(key.path);
    const section = spec ? undefined : sectionSpec(key.path);
    if (!spec && !section) return undefined;

    const docsElsewhere = yamlExtensionCovers(document);
    const family = spec ? metricFamily(spec.path) : null;
    if (docsElsewhere && family === null) return undefined;
    const markdown = new vscode.MarkdownString(docsElsewhere ? '' : spec ? keyMarkdown(spec) : section ? sectionMarkdown(section) : '');
    if (family !== null) {
      if (!docsElsewhere) markdown.appendMarkdown('\n\n---\n\n');
      markdown.appendMarkdown(await runHoverMarkdown(this.runs, document.uri.fsPath, family));
    }
    markdown.isTrusted = { enabledCommands: [OPEN_DASHBOARD_COMMAND] };
    const range = new vscode.Range(document.positionAt(key.start), document.positionAt(key.end));
    return new vscode.Hover(markdown, range);
  }
}
