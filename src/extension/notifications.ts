/**
 * Messages to the user. Under the extension tests (ExtensionMode.Test) each is also
 * remembered (the last few), so the real-VS Code tests can assert what a person would
 * have seen; the toasts themselves live in the workbench.
 */
import * as vscode from 'vscode';

export type MessageLevel = 'info' | 'warning' | 'error';

export interface ShownMessage {
  level: MessageLevel;
  text: string;
  time: number;
}

const SHOW_LOG = 'Show Log';
const KEPT = 50;

export class Notifications {
  private readonly shown: ShownMessage[] = [];

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly remember: boolean,
  ) {}

  /** Newest last. */
  get history(): readonly ShownMessage[] {
    return this.shown;
  }

  info(text: string, ...actions: string[]): Thenable<string | undefined> {
    return this.show('info', text, actions);
  }

  warning(text: string, ...actions: string[]): Thenable<string | undefined> {
    return this.show('warning', text, actions);
  }

  /** An error with a "Show Log" button that reveals the Semantic IDs channel. */
  errorWithLog(text: string): void {
    this.log.error(text);
    void this.show('error', text, [SHOW_LOG]).then((choice) => {
      if (choice === SHOW_LOG) this.log.show(true);
    });
  }

  private show(level: MessageLevel, text: string, actions: string[]): Thenable<string | undefined> {
    if (this.remember) {
      this.shown.push({ level, text, time: Date.now() });
      if (this.shown.length > KEPT) this.shown.shift();
    }
    const full = `Semantic IDs: ${text}`;
    if (level === 'error') return vscode.window.showErrorMessage(full, ...actions);
    if (level === 'warning') return vscode.window.showWarningMessage(full, ...actions);
    return vscode.window.showInformationMessage(full, ...actions);
  }
}
