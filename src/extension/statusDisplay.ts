/**
 * The status bar item: backend, step/total and loss of the training in progress,
 * driven only by the engine's events (vscode-eslint's model: it reflects state, it
 * does not compute it); idle otherwise. A click opens the dashboard. Shown only in
 * workspaces with experiment files, or while a training runs.
 */
import * as vscode from 'vscode';
import type { ActiveTraining, TrainingManager } from './training/trainingManager';

export class StatusDisplay implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('semid.training', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;
  private lossText = '';
  private shown = false;

  constructor(
    private readonly manager: TrainingManager,
    private readonly hasExperiments: () => boolean,
    onDidChangeExperiments: vscode.Event<void>,
  ) {
    this.item.name = 'Semantic IDs Training';
    this.item.command = 'semid.openDashboard';
    this.subscription = vscode.Disposable.from(
      manager.onDidReceiveEvent(({ event }) => {
        if (event.type === 'losses') this.lossText = ` · loss ${event.total.toPrecision(4)}`;
      }),
      manager.onDidChange(() => this.render()),
      onDidChangeExperiments(() => this.render()),
    );
    this.render();
  }

  get visible(): boolean {
    return this.shown;
  }

  /** What the item shows now (the tests read it). */
  get text(): string {
    return this.item.text;
  }

  private render(): void {
    const active = this.manager.active;
    const show = active.length > 0 || this.hasExperiments();
    if (show !== this.shown) {
      this.shown = show;
      if (show) this.item.show();
      else this.item.hide();
    }
    if (active.length === 0) {
      this.lossText = '';
      this.item.text = '$(beaker) Semantic IDs';
      this.item.tooltip = 'No training running. Click to open the training dashboard.';
      return;
    }
    const t = active[active.length - 1];
    const others = active.length > 1 ? ` (+${active.length - 1})` : '';
    this.item.text = `$(sync~spin) ${t.request.experimentName} ${this.describe(t)}${this.lossText}${others}`;
    this.item.tooltip = `Training ${t.request.experimentPath}${t.runDir ? `\n${t.runDir}` : ''}\nClick to open the dashboard.`;
  }

  private describe(t: ActiveTraining): string {
    if (t.stopping) return 'stopping…';
    const e = t.lastEvent;
    const backend = t.backend ?? 'starting';
    if (e && 'total_steps' in e) return `${backend} ${e.step}/${e.total_steps}`;
    if (e) return `${backend} step ${e.step}`;
    return backend;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
