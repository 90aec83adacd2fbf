/**
 * The experiment-file workflow (issue 5, items 3 and 4): finding and watching
 * experiment files, their diagnostics, key completion and hover docs, run metrics in
 * hovers and the Train CodeLens. activate() calls registerExperimentFeatures once.
 */
import * as vscode from 'vscode';
import type { RunStore } from '../runs/runStore';
import { ExperimentCompletionProvider } from './completionProvider';
import { ExperimentDiagnostics } from './diagnostics';
import { ExperimentFiles } from './experimentFiles';
import { isExperimentDocument, PATTERNS_SETTING, readPatterns } from './experimentPatterns';
import { ExperimentHoverProvider } from './hoverProvider';
import { TrainCodeLensProvider } from './trainCodeLens';

/** Experiment files are YAML on disk; the patterns setting narrows them further. */
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', language: 'yaml' }];

export function registerExperimentFeatures(context: vscode.ExtensionContext, runs: RunStore): vscode.Disposable {
  const log = vscode.window.createOutputChannel('Semantic ID Studio: Experiments', { log: true });
  let patterns = readPatterns();
  const isExperiment = (document: vscode.TextDocument): boolean => isExperimentDocument(patterns, document);

  const files = new ExperimentFiles(patterns, runs, (message) => log.warn(message));
  const diagnostics = new ExperimentDiagnostics(isExperiment);
  const codeLens = new TrainCodeLensProvider(isExperiment, runs);

  /** An open experiment is validated, and its runs followed even before the watcher reports it. */
  const opened = (document: vscode.TextDocument): void => {
    diagnostics.update(document, 'now');
    if (isExperiment(document)) files.track(document.uri.fsPath, document.getText());
  };

  const disposables: vscode.Disposable[] = [
    log,
    files,
    diagnostics,
    codeLens,
    vscode.languages.registerCompletionItemProvider(SELECTOR, new ExperimentCompletionProvider(isExperiment)),
    vscode.languages.registerHoverProvider(SELECTOR, new ExperimentHoverProvider(isExperiment, runs)),
    vscode.languages.registerCodeLensProvider(SELECTOR, codeLens),
    vscode.workspace.onDidOpenTextDocument(opened),
    vscode.workspace.onDidSaveTextDocument(opened),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) diagnostics.update(e.document, 'after-typing');
    }),
    vscode.workspace.onDidCloseTextDocument((document) => diagnostics.forget(document.uri)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(PATTERNS_SETTING)) return;
      patterns = readPatterns();
      files.setPatterns(patterns);
      for (const document of vscode.workspace.textDocuments) opened(document);
      codeLens.refresh();
    }),
  ];
  for (const document of vscode.workspace.textDocuments) opened(document);

  const registration = vscode.Disposable.from(...disposables);
  context.subscriptions.push(registration);
  return registration;
}
