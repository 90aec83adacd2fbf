/**
 * A VS Code warning when a level's share of dead codes passes the
 * `semid.dashboard.deadCodeWarningShare` setting during a training (from its
 * diagnostics events), once per run and level, with "Open Dashboard".
 */
import * as vscode from 'vscode';
import type { EngineEvent } from '../../protocol';
import { levelsOverThreshold } from './deadShare';
import type { Ctx } from '../ctx';
import type { TrainingManager } from '../training/trainingManager';

const OPEN = 'Open Dashboard';

export function deadCodeWarningShare(): number {
  return vscode.workspace.getConfiguration('semid').get<number>('dashboard.deadCodeWarningShare', 0.5);
}

export class DeadCodeAlerts implements vscode.Disposable {
  private readonly warned = new Set<string>();
  private readonly sizes = new Map<string, number[]>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly ctx: Ctx,
    manager: TrainingManager,
  ) {
    this.subscriptions = [
      manager.onDidReceiveEvent(({ training, event }) => {
        const dir = event.type === 'run_started' ? event.run_dir : training.runDir;
        if (dir) this.receive(dir, event);
      }),
      ctx.runs.onDidAppendEvents(({ dir, events }) => events.forEach((e) => this.receive(dir, e))),
    ];
  }

  private receive(dir: string, event: EngineEvent): void {
    if (event.type === 'run_started') this.sizes.set(dir, event.codebook_size);
    if (event.type !== 'diagnostics') return;
    const sizes = this.sizes.get(dir);
    if (!sizes) return;
    const threshold = deadCodeWarningShare();
    for (const { level, share } of levelsOverThreshold(event, sizes, threshold)) {
      const key = `${dir}|${level}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      void this.ctx.notifications
        .warning(
          `level ${level} has ${(100 * share).toFixed(0)}% dead codes at step ${event.step} (above ${(100 * threshold).toFixed(0)}%): the codebook is collapsing. Dead-code re-initialisation or the balance loss may help.`,
          OPEN,
        )
        .then((choice) => {
          if (choice === OPEN) void vscode.commands.executeCommand('semid.openDashboard', dir);
        });
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
