/**
 * The Training Dashboard's host side (GitLens style): owns the one webview panel, keeps
 * the shown run's state, answers the webview's `ready` with the full state and then
 * sends patches as events arrive, from the engine for its own trainings and from the
 * RunStore for runs started elsewhere (a terminal).
 */
import * as vscode from 'vscode';
import type { DashboardRunPatch, DashboardState, DashboardToHost, EngineEvent, HostToDashboard } from '../../protocol';
import { isDashboardToHost } from '../../protocol';
import type { Ctx } from '../ctx';
import type { TrainingManager } from '../training/trainingManager';
import { dashboardHtml, webviewRoots } from './dashboardHtml';
import { applyPatch, emptyRunState, patchForEvent } from './dashboardState';

/** What the webview last reported on screen. */
export interface RenderedReport {
  dir: string | null;
  status: string | null;
  step: number | null;
}

export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[];
  private current: DashboardState = { run: null, message: 'No run selected.' };
  private rendered: RenderedReport | undefined;
  /** Bumped on each run switch, so a slow load for an older choice is dropped. */
  private generation = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly manager: TrainingManager,
    private readonly pickRun: () => Promise<string | undefined>,
  ) {
    this.subscriptions = [
      manager.onDidReceiveEvent(({ training, event }) => {
        // An open dashboard with nothing to show follows the training that just started.
        if (event.type === 'run_started' && this.panel && !this.current.run) this.safely(this.show(event.run_dir));
        else if (training.runDir) this.receive(training.runDir, [event]);
      }),
      manager.onDidStart(() => this.refreshLive()),
      manager.onDidFinish(() => this.refreshLive()),
      ctx.runs.onDidAppendEvents(({ dir, events }) => this.receive(dir, events)),
      ctx.runs.onDidChangeRun((record) => {
        if (this.current.run?.dir === record.dir) this.update({ summary: record.summary, backend: record.summary.backend });
      }),
    ];
  }

  /** The state the panel shows (or would show); for the tests. */
  get state(): DashboardState {
    return this.current;
  }

  get lastRendered(): RenderedReport | undefined {
    return this.rendered;
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens (or reveals) the panel on `dir`; with no dir, on an explanation. */
  async show(dir: string | undefined): Promise<void> {
    const generation = ++this.generation;
    this.ensurePanel();
    if (dir === undefined) {
      this.setState({ run: null, message: 'No run yet: train an experiment ("Semantic IDs: Train RQVAE") or choose a run.' });
      return;
    }
    const record = await this.ctx.runs.get(dir);
    const events: EngineEvent[] = record ? await this.ctx.runs.events(dir) : [];
    if (generation !== this.generation) return;
    let run = emptyRunState(dir, record?.summary ?? null);
    for (const event of events) {
      const patch = patchForEvent(run, event);
      if (patch) run = applyPatch(run, patch);
    }
    run.live = this.manager.active.some((t) => t.runDir === dir);
    const training = this.manager.active.find((t) => t.runDir === dir);
    this.setState({ run, message: record || training ? null : `No run found at ${dir} yet.` });
  }

  private ensurePanel(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const extensionUri = this.ctx.extension.extensionUri;
    const panel = vscode.window.createWebviewPanel('semid.dashboard', 'Training Dashboard', vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: webviewRoots(extensionUri),
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'dashboard.svg');
    panel.webview.html = dashboardHtml(panel.webview, extensionUri);
    this.panelSubscriptions = [
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isDashboardToHost(message)) this.safely(this.onMessage(message));
      }),
      panel.onDidDispose(() => {
        for (const s of this.panelSubscriptions) s.dispose();
        this.panelSubscriptions = [];
        this.panel = undefined;
        this.rendered = undefined;
      }),
    ];
    this.panel = panel;
  }

  /** Background work started from events: failures are logged, never thrown into the host. */
  private safely(work: Promise<unknown>): void {
    work.catch((e: unknown) => this.ctx.log.warn(`dashboard: ${e instanceof Error ? e.message : String(e)}`));
  }

  private async onMessage(message: DashboardToHost): Promise<void> {
    switch (message.kind) {
      case 'ready':
        this.post({ kind: 'state', state: this.current });
        break;
      case 'pickRun': {
        const dir = await this.pickRun();
        if (dir) await this.show(dir);
        break;
      }
      case 'openRunFolder':
        if (this.current.run) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(this.current.run.dir));
        break;
      case 'rendered':
        this.rendered = { dir: message.dir, status: message.status, step: message.step };
        break;
    }
  }

  private receive(dir: string, events: readonly EngineEvent[]): void {
    let run = this.current.run;
    if (!run || run.dir !== dir) return;
    const patch: DashboardRunPatch = {};
    for (const event of events) {
      const p = patchForEvent(run, event);
      if (!p) continue;
      run = applyPatch(run, p);
      Object.assign(patch, p);
    }
    if (Object.keys(patch).length > 0) this.update(patch);
  }

  private refreshLive(): void {
    const run = this.current.run;
    if (!run) return;
    const live = this.manager.active.some((t) => t.runDir === run.dir);
    if (live !== run.live) this.update({ live });
    // The summary's final status arrives through the RunStore; reread it when a training ends.
    if (!live) this.safely(this.ctx.runs.get(run.dir).then((r) => r && this.current.run?.dir === r.dir && this.update({ summary: r.summary })));
  }

  private update(patch: DashboardRunPatch): void {
    const run = this.current.run;
    if (!run) return;
    this.current = { ...this.current, run: applyPatch(run, patch), message: null };
    this.post({ kind: 'patch', dir: run.dir, patch });
  }

  private setState(state: DashboardState): void {
    this.current = state;
    this.post({ kind: 'state', state });
  }

  private post(message: HostToDashboard): void {
    // Before `ready` the webview drops messages; it asks for the state when it loads.
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.panel?.dispose();
  }
}
