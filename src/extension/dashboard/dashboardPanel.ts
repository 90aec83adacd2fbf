/**
 * The Training Dashboard's host side: owns the one webview panel, answers the
 * webview's `ready` with a snapshot (DashboardModel), then sends patches and appends
 * as events arrive, from the engine for its own trainings and from the RunStore for
 * runs started elsewhere (a terminal). The webview keeps its view state with
 * setState; after a window reload the serializer restores the panel on the same runs.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DashboardState, DashboardToHost, DashboardViewState, EngineEvent, HostToDashboard } from '../../protocol';
import { isDashboardToHost, isViewState } from '../../protocol';
import type { Ctx } from '../ctx';
import type { TrainingManager } from '../training/trainingManager';
import { curvesCsv } from './curvesCsv';
import { dashboardHtml, webviewRoots } from './dashboardHtml';
import { DashboardModel } from './dashboardModel';

export const DASHBOARD_VIEW_TYPE = 'semid.dashboard';

/** What the webview last reported on screen. */
export interface RenderedReport {
  dir: string | null;
  status: string | null;
  step: number | null;
  curves: number;
  points: number;
  heatmapCells: number;
}

export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[];
  private readonly model: DashboardModel;
  private current: DashboardState;
  private rendered: RenderedReport | undefined;
  /** Bumped on each run switch, so a slow load for an older choice is dropped. */
  private generation = 0;
  /** Set by `show`: the explorer opener, wired by extension.ts. */
  openExplorer: (dir: string, pattern: (number | null)[]) => void = () => undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly manager: TrainingManager,
    private readonly pickRun: (placeHolder: string) => Promise<string | undefined>,
    private readonly pickRuns: (placeHolder: string) => Promise<string[]>,
  ) {
    this.model = new DashboardModel({
      summary: async (dir) => (await ctx.runs.get(dir))?.summary ?? null,
      events: (dir) => ctx.runs.events(dir),
      isLive: (dir) => manager.active.some((t) => t.runDir === dir),
      queries: ctx.queries,
    });
    this.current = this.model.state();
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
        if (this.model.focusedDir === record.dir) this.update({ summary: record.summary, backend: record.summary.backend });
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

  /** Opens (or reveals) the panel on `dir` (and overlays); with no dir, on an explanation. */
  async show(dir: string | undefined, overlays: string[] = []): Promise<void> {
    const generation = ++this.generation;
    this.ensurePanel();
    if (dir === undefined) {
      this.setState(this.model.clear('No run yet: train an experiment ("Semantic IDs: Train RQVAE") or choose a run.'));
      return;
    }
    const state = await this.model.load([dir, ...overlays]);
    if (generation !== this.generation) return;
    this.setState(state);
  }

  /** Adds a run to the curves (opening the dashboard on it when nothing is shown). */
  async overlay(dir: string): Promise<void> {
    if (!this.model.focusedDir) return this.show(dir);
    this.ensurePanel();
    this.setState(await this.model.addOverlays([dir]));
  }

  /** A restored panel (window reload): adopt it and show what its webview state names. */
  async restore(panel: vscode.WebviewPanel, view: unknown): Promise<void> {
    this.panel?.dispose();
    this.adopt(panel);
    const runs = isViewState(view) ? view.runs : [];
    if (runs.length > 0) await this.show(runs[0], runs.slice(1));
    else await this.show(undefined);
  }

  private ensurePanel(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Training Dashboard', vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: webviewRoots(this.ctx.extension.extensionUri),
    });
    this.adopt(panel);
  }

  private adopt(panel: vscode.WebviewPanel): void {
    const extensionUri = this.ctx.extension.extensionUri;
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'dashboard.svg');
    panel.webview.html = dashboardHtml(panel.webview, extensionUri, this.ctx.isTest);
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
        const dir = await this.pickRun('Run to show in the dashboard');
        if (dir) await this.show(dir);
        break;
      }
      case 'pickOverlay': {
        const dirs = await this.pickRuns('Runs to overlay on the curves');
        if (dirs.length > 0) this.setState(await this.model.addOverlays(dirs));
        break;
      }
      case 'overlaySweep':
        this.setState(await this.model.addOverlays(this.model.comparisonRuns));
        break;
      case 'removeOverlay':
        this.setState(this.model.removeOverlay(message.dir));
        break;
      case 'openRunFolder':
        if (this.model.focusedDir) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(this.model.focusedDir));
        break;
      case 'cellItems':
        this.post({ kind: 'cellItems', items: await this.model.cellItems(message.requestId, message.level, message.code) });
        break;
      case 'openExplorer':
        if (this.model.focusedDir) {
          const pattern: (number | null)[] = Array.from({ length: message.level + 1 }, (_, l) => (l === message.level ? message.code : null));
          this.openExplorer(this.model.focusedDir, pattern);
        }
        break;
      case 'exportPng':
        await this.save(`${message.name}.png`, { 'PNG image': ['png'] }, Buffer.from(message.dataUrl.slice(message.dataUrl.indexOf(',') + 1), 'base64'));
        break;
      case 'exportCsv':
        await this.exportCsv();
        break;
      case 'rendered':
        // Only a test session's webview reports (webviewHtml); anything else is ignored.
        if (!this.ctx.isTest) break;
        this.rendered = {
          dir: message.dir,
          status: message.status,
          step: message.step,
          curves: message.curves,
          points: message.points,
          heatmapCells: message.heatmapCells,
        };
        break;
    }
  }

  private async exportCsv(): Promise<void> {
    const dirs = this.model.dirs;
    if (dirs.length === 0) return;
    const runs = await Promise.all(dirs.map(async (dir) => ({ dir, events: await this.ctx.runs.events(dir) })));
    await this.save(`${path.basename(dirs[0])}-curves.csv`, { CSV: ['csv'] }, Buffer.from(curvesCsv(runs), 'utf8'));
  }

  private async save(name: string, filters: Record<string, string[]>, data: Buffer): Promise<void> {
    const focused = this.model.focusedDir;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(focused ?? '', name)),
      filters,
      title: `Export ${name}`,
    });
    if (!target) return;
    await fsp.writeFile(target.fsPath, data);
    void this.ctx.notifications.info(`exported ${path.basename(target.fsPath)}.`);
  }

  private receive(dir: string, events: readonly EngineEvent[]): void {
    if (!this.model.dirs.includes(dir)) return;
    const { patch, append } = this.model.receive(dir, events);
    this.current = this.model.state();
    if (append) this.post({ kind: 'append', append });
    if (patch && Object.keys(patch).length > 0) this.post({ kind: 'patch', dir, patch });
  }

  private refreshLive(): void {
    const run = this.model.runState;
    if (!run) return;
    const live = this.manager.active.some((t) => t.runDir === run.dir);
    if (live !== run.live) this.update({ live });
    // The summary's final status and IDs arrive on disk; reread them when a training ends.
    if (!live) {
      this.safely(
        this.ctx.runs.get(run.dir).then(async (r) => {
          if (!r || this.model.focusedDir !== r.dir) return;
          this.model.update({ summary: r.summary });
          await this.model.refreshCodebook();
          this.setState(this.model.state());
        }),
      );
    }
  }

  private update(patch: Parameters<DashboardModel['update']>[0]): void {
    const dir = this.model.focusedDir;
    const applied = this.model.update(patch);
    if (!dir || !applied) return;
    this.current = this.model.state();
    this.post({ kind: 'patch', dir, patch: applied });
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

/** Restores the dashboard after a window reload from the state its webview saved. */
export function registerDashboardSerializer(dashboard: DashboardPanel): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      await dashboard.restore(panel, (state as { view?: DashboardViewState } | undefined)?.view ?? state);
    },
  });
}
