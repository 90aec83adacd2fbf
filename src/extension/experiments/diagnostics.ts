/**
 * Diagnostics of open experiment files, from the engine's own validator
 * (parseExperiment: the same messages and exact ranges the CLI prints). Validated on
 * open and save, and while typing after a short pause. Whatever the text, nothing
 * here throws into the extension host: a validator failure becomes one diagnostic.
 */
import * as vscode from 'vscode';
import { ConfigProblem, parseExperiment } from '../../engine/config';
import { isSchemaProblem, yamlExtensionCovers } from './yamlExtension';

const TYPING_PAUSE_MS = 300;
export const DIAGNOSTIC_SOURCE = 'semid';

const SEVERITY: Record<ConfigProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** ProblemRange is 1-based with an exclusive end; line 0 means "the whole file". */
export function toDiagnostic(problem: ConfigProblem): vscode.Diagnostic {
  const r = problem.range;
  const range =
    r.line > 0
      ? new vscode.Range(r.line - 1, Math.max(0, r.col - 1), Math.max(r.line, r.endLine) - 1, Math.max(0, r.endCol - 1))
      : new vscode.Range(0, 0, 0, 0);
  const diagnostic = new vscode.Diagnostic(range, problem.message, SEVERITY[problem.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  if (problem.key !== null) diagnostic.code = problem.key;
  return diagnostic;
}

/**
 * The diagnostics of one experiment text; `--set` problems cannot arise from a file and
 * are dropped, and so are unknown keys when the YAML extension reports them from our schema.
 */
export function diagnoseExperiment(text: string, filePath: string, schemaReportsUnknownKeys = false): vscode.Diagnostic[] {
  try {
    const { problems } = parseExperiment(text, filePath, { checkFiles: true });
    return problems
      .filter((p) => !p.message.startsWith('--set ') && !(schemaReportsUnknownKeys && isSchemaProblem(p.message)))
      .map(toDiagnostic);
  } catch (e) {
    const message = `the experiment could not be checked: ${e instanceof Error ? e.message : String(e)}`;
    const diagnostic = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), message, vscode.DiagnosticSeverity.Warning);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    return [diagnostic];
  }
}

export class ExperimentDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('semid-experiments');
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(private readonly isExperiment: (document: vscode.TextDocument) => boolean) {}

  /** Validates now (open, save) or after the typing pause (change). */
  update(document: vscode.TextDocument, when: 'now' | 'after-typing'): void {
    const key = document.uri.toString();
    const timer = this.pending.get(key);
    if (timer) clearTimeout(timer);
    this.pending.delete(key);
    if (when === 'now') this.validate(document);
    else this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.validate(document);
    }, TYPING_PAUSE_MS));
  }

  forget(uri: vscode.Uri): void {
    const timer = this.pending.get(uri.toString());
    if (timer) clearTimeout(timer);
    this.pending.delete(uri.toString());
    this.collection.delete(uri);
  }

  private validate(document: vscode.TextDocument): void {
    if (document.isClosed || !this.isExperiment(document)) {
      this.collection.delete(document.uri);
      return;
    }
    this.collection.set(document.uri, diagnoseExperiment(document.getText(), document.uri.fsPath, yamlExtensionCovers(document)));
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.collection.dispose();
  }
}
