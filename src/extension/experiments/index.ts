/**
 * The experiment-file workflow (issue 5, items 3 and 4): finding and watching
 * experiment files, their diagnostics, key completion and hover docs, run metrics in
 * hovers and the Train CodeLens. activate() calls registerExperimentFeatures once; it
 * reports the experiment files to `when` clauses through context keys.
 */
import * as vscode from 'vscode';
import type { RunStore } from '../runs/runStore';
import { ExperimentCompletionProvider } from './completionProvider';
import { ExperimentDiagnostics } from './diagnostics';
import { ExperimentFiles } from './experimentFiles';
import { BUILT_IN_PATTERNS } from './experimentGlobs';
import { isExperimentDocument, isExperimentPath, PATTERNS_SETTING, readPatterns } from './experimentPatterns';
import { ExperimentHoverProvider } from './hoverProvider';
import { TrainCodeLensProvider } from './trainCodeLens';
import { contributeSchema, missedByYamlValidation } from './yamlExtension';

/** Experiment files are YAML on disk; the patterns decide which (experimentPatterns.ts). */
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', language: 'yaml' }];

/** Context keys the manifest's `when` clauses read (Train button, explorer menu, status item). */
const EXPERIMENT_PATHS_KEY = 'semid.experimentPaths';
const HAS_EXPERIMENTS_KEY = 'semid.hasExperiments';

export interface ExperimentFeatures extends vscode.Disposable {
  /** Fires when the workspace's set of experiment files changes. */
  readonly onDidChangeFiles: vscode.Event<void>;
  readonly hasExperiments: () => boolean;
  /** Re-reads the CodeLens now (a run just ended). */
  refreshCodeLens(): void;
}

export function registerExperimentFeatures(
  runs: RunStore,
  log: vscode.LogOutputChannel,
  warn: (message: string) => void,
  /** schemas/experiment.schema.json, for the YAML extension's contributor API. */
  schemaFile: string,
): ExperimentFeatures {
  const reportPattern = (message: string): void => {
    log.warn(message);
    warn(message);
  };
  let patterns = readPatterns(reportPattern);
  const isExperiment = (document: vscode.TextDocument): boolean => isExperimentDocument(patterns, document);

  const files = new ExperimentFiles(patterns, runs, (message) => log.warn(message));
  const diagnostics = new ExperimentDiagnostics(isExperiment);
  const codeLens = new TrainCodeLensProvider(isExperiment, runs);
  const publish = (): void => {
    const paths = files.list().map((p) => vscode.Uri.file(p).path);
    void vscode.commands.executeCommand('setContext', EXPERIMENT_PATHS_KEY, paths);
    void vscode.commands.executeCommand('setContext', HAS_EXPERIMENTS_KEY, paths.length > 0);
  };

  /** An open experiment is validated, and its runs followed even before the watcher reports it. */
  const opened = (document: vscode.TextDocument): void => {
    diagnostics.update(document, 'now');
    if (isExperiment(document)) files.track(document.uri.fsPath, document.getText());
  };

  /**
   * Files that are experiments only through the user's patterns get the schema from
   * Red Hat's YAML extension too (its contributor API; yamlValidation names fixed globs).
   */
  const experimentByUserPattern = (fsPath: string): boolean => missedByYamlValidation(fsPath) && isExperimentPath(patterns, fsPath);
  const offerSchema = (): void => {
    if (patterns.compiled.length <= BUILT_IN_PATTERNS.length) return;
    void contributeSchema(schemaFile, experimentByUserPattern, log).then((took) => {
      // Who reports unknown keys changed for those files.
      if (took) for (const document of vscode.workspace.textDocuments) opened(document);
    });
  };

  const disposables: vscode.Disposable[] = [
    files,
    files.onDidChange(publish),
    // Installing or removing Red Hat's YAML extension changes who reports unknown keys.
    vscode.extensions.onDidChange(() => {
      for (const document of vscode.workspace.textDocuments) opened(document);
      offerSchema();
    }),
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
      patterns = readPatterns(reportPattern);
      files.setPatterns(patterns);
      for (const document of vscode.workspace.textDocuments) opened(document);
      offerSchema();
      codeLens.refresh();
    }),
  ];
  for (const document of vscode.workspace.textDocuments) opened(document);
  publish();
  offerSchema();

  const registration = vscode.Disposable.from(...disposables);
  return {
    onDidChangeFiles: files.onDidChange,
    hasExperiments: () => files.list().length > 0,
    refreshCodeLens: () => codeLens.refresh(),
    dispose: () => registration.dispose(),
  };
}
