/**
 * The one object that owns the extension's state and disposal (rust-analyzer's ctx):
 * every command goes through registerCommand, every long-lived thing through track,
 * so deactivation disposes everything in reverse order of creation.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { engineNodePath } from './config';
import { RunQueryClient } from './engine/runQueryClient';
import { Notifications } from './notifications';
import type { RunStore } from './runs/runStore';

/** A command body; receives the command's arguments as VS Code passes them. */
export type CommandHandler = (...args: unknown[]) => unknown;

export class Ctx implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly log: vscode.LogOutputChannel;
  readonly notifications: Notifications;

  readonly runs: RunStore;
  /** The engine's run-query process: catalogs and ID indexes stay out of the extension host. */
  readonly queries: RunQueryClient;

  constructor(
    readonly extension: vscode.ExtensionContext,
    makeRuns: (log: vscode.LogOutputChannel) => RunStore,
  ) {
    // The extension's one output channel: engine output, run watching, experiment files.
    this.log = this.track(vscode.window.createOutputChannel('Semantic IDs', { log: true }));
    // Only the tests read what was shown (extension.ts hands them testApi in ExtensionMode.Test).
    this.notifications = new Notifications(this.log, extension.extensionMode === vscode.ExtensionMode.Test);
    this.runs = this.track(makeRuns(this.log));
    this.queries = this.track(new RunQueryClient(() => ({ enginePath: this.enginePath, nodePath: engineNodePath() })));
  }

  /** Running under the extension tests: only then does activate() return the test API. */
  get isTest(): boolean {
    return this.extension.extensionMode === vscode.ExtensionMode.Test;
  }

  /** Registers `semid.<name>`; the factory runs once, with the context, at activation. */
  registerCommand(id: string, factory: (ctx: Ctx) => CommandHandler): void {
    const handler = factory(this);
    this.track(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (err) {
          // A command must never throw into the host; say what went wrong instead.
          const message = err instanceof Error ? err.message : String(err);
          this.log.error(`${id} failed`);
          this.notifications.errorWithLog(message);
          return undefined;
        }
      }),
    );
  }

  track<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  /** The bundled engine: the `semid` CLI (dist/cli.js), forked as `semid engine`. */
  get enginePath(): string {
    return path.join(this.extension.extensionPath, 'dist', 'cli.js');
  }

  /** Where "Install GPU Engine" puts its packages (the engine's SEMID_MODULE_PATHS). */
  get gpuEngineDir(): string {
    return path.join(this.extension.globalStorageUri.fsPath, 'gpu-engine');
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (err) {
        console.error('semid: dispose failed', err);
      }
    }
  }
}
