/**
 * The Semantic-ID Explorer's host side: one webview panel over one run's IDs and
 * catalog. The host holds neither: it relays the webview's requests for tree children,
 * searches and items to the engine's run-query process (ctx.queries) and posts the
 * answers back. Opened by "Inspect Item by Semantic ID" (the explorer variant), the
 * runs view and heatmap clicks; restored after a window reload by its serializer.
 */
import * as vscode from 'vscode';
import type { CodePattern, ExplorerRunInfo, ExplorerToHost, ExplorerViewState, HostToExplorer } from '../../protocol';
import { isExplorerToHost, isExplorerViewState } from '../../protocol';
import type { Ctx } from '../ctx';
import { webviewHtml, webviewRoots } from '../dashboard/dashboardHtml';

export const EXPLORER_VIEW_TYPE = 'semid.explorer';

export interface ExplorerRendered {
  rows: number;
  selected: string | null;
  searchTotal: number | null;
}

export class ExplorerPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private subscriptions: vscode.Disposable[] = [];
  /** The run shown, once the engine has loaded it. */
  private run: ExplorerRunInfo | null = null;
  private dir: string | null = null;
  private reveal: CodePattern | null = null;
  private query: string | null = null;
  private ready = false;
  private rendered: ExplorerRendered | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly pickRun: () => Promise<string | undefined>,
  ) {}

  get lastRendered(): ExplorerRendered | undefined {
    return this.rendered;
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens the explorer on `dir`; `reveal` expands the tree there (or searches a pattern); `query` runs a search. */
  async show(dir: string, reveal: CodePattern | null = null, query: string | null = null): Promise<void> {
    this.ensurePanel();
    this.reveal = reveal;
    this.query = query;
    if (dir !== this.dir || !this.run) {
      this.dir = dir;
      this.run = null;
      this.post({ kind: 'run', run: null, message: 'Loading the run’s IDs and catalog…', reveal: null });
      try {
        const run = await this.ctx.queries.ask({ kind: 'open', dir });
        if (this.dir !== dir) return; // another run was asked for meanwhile
        this.run = run;
      } catch (err) {
        if (this.dir !== dir) return;
        this.post({ kind: 'run', run: null, message: `Cannot open ${dir}: ${err instanceof Error ? err.message : String(err)} (the run writes semantic_ids.jsonl when it completes).`, reveal: null });
        return;
      }
    }
    this.sendRun();
  }

  async restore(panel: vscode.WebviewPanel, view: unknown): Promise<void> {
    this.panel?.dispose();
    this.adopt(panel);
    if (isExplorerViewState(view) && view.dir) await this.show(view.dir, null, view.query || null);
  }

  private sendRun(): void {
    if (!this.run || !this.ready) return;
    this.post({ kind: 'run', run: this.run, message: null, reveal: this.reveal });
    if (this.query) this.post({ kind: 'query', query: this.query });
  }

  private ensurePanel(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(EXPLORER_VIEW_TYPE, 'Semantic-ID Explorer', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: webviewRoots(this.ctx.extension.extensionUri),
    });
    this.adopt(panel);
  }

  private adopt(panel: vscode.WebviewPanel): void {
    const extensionUri = this.ctx.extension.extensionUri;
    this.ready = false;
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'dashboard.svg');
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'explorer', 'Semantic-ID Explorer', this.ctx.isTest);
    this.subscriptions = [
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (isExplorerToHost(m)) void this.onMessage(m).catch((e: unknown) => this.ctx.log.warn(`explorer: ${e instanceof Error ? e.message : String(e)}`));
      }),
      panel.onDidDispose(() => {
        for (const s of this.subscriptions) s.dispose();
        this.subscriptions = [];
        this.panel = undefined;
        this.rendered = undefined;
        this.ready = false;
      }),
    ];
    this.panel = panel;
  }

  private async onMessage(m: ExplorerToHost): Promise<void> {
    const dir = this.run ? this.dir : null;
    // An answer for a run no longer shown is dropped.
    const stillShown = () => dir !== null && this.dir === dir && this.run !== null;
    switch (m.kind) {
      case 'ready':
        this.ready = true;
        if (this.run) this.sendRun();
        else if (m.view?.dir) await this.show(m.view.dir, null, m.view.query || null);
        break;
      case 'children': {
        if (dir === null) break;
        try {
          const answer = await this.ctx.queries.ask({ kind: 'children', dir, prefix: m.prefix });
          if (stillShown()) this.post({ kind: 'children', prefix: m.prefix, ...answer, error: null });
        } catch (err) {
          // As for a search: the node shows why instead of staying "loading…".
          const error = `the engine could not list this node: ${err instanceof Error ? err.message : String(err)}`;
          if (stillShown()) this.post({ kind: 'children', prefix: m.prefix, nodes: [], items: [], total: 0, error });
        }
        break;
      }
      case 'search': {
        if (dir === null) break;
        try {
          const answer = await this.ctx.queries.ask({ kind: 'search', dir, query: m.query });
          if (stillShown()) this.post({ kind: 'search', requestId: m.requestId, query: m.query, ...answer });
        } catch (err) {
          // The query process failed (it restarts on the next query): say so where the results go.
          const error = `the engine could not search: ${err instanceof Error ? err.message : String(err)}`;
          if (stillShown()) this.post({ kind: 'search', requestId: m.requestId, query: m.query, mode: 'error', prefix: null, total: 0, items: [], error });
        }
        break;
      }
      case 'item':
        if (dir === null) break;
        try {
          const view = await this.ctx.queries.ask({ kind: 'item', dir, id: m.id });
          if (stillShown()) this.post({ kind: 'item', view, error: null });
        } catch (err) {
          if (stillShown()) this.post({ kind: 'item', view: null, error: err instanceof Error ? err.message : String(err) });
        }
        break;
      case 'pickRun': {
        const dir = await this.pickRun();
        if (dir) await this.show(dir);
        break;
      }
      case 'rendered':
        // Only a test session's webview reports (webviewHtml); anything else is ignored.
        if (!this.ctx.isTest) break;
        this.rendered = { rows: m.rows, selected: m.selected, searchTotal: m.searchTotal };
        break;
    }
  }

  private post(message: HostToExplorer): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

export function registerExplorerSerializer(explorer: ExplorerPanel): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(EXPLORER_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      await explorer.restore(panel, (state as { view?: ExplorerViewState } | undefined)?.view ?? state);
    },
  });
}
