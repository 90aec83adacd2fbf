/**
 * The Semantic-ID Explorer's host side: one webview panel over one run's IDs and
 * catalog (ExplorerModel), answering the webview's requests for tree children,
 * searches and items. Opened by "Inspect Item by Semantic ID" (the explorer variant),
 * the runs view and heatmap clicks; restored after a window reload by its serializer.
 */
import * as vscode from 'vscode';
import type { CodePattern, ExplorerToHost, ExplorerViewState, HostToExplorer } from '../../protocol';
import { isExplorerToHost, isExplorerViewState } from '../../protocol';
import type { Ctx } from '../ctx';
import { webviewHtml, webviewRoots } from '../dashboard/dashboardHtml';
import { RunInspectionCache } from './runIndex';
import { ExplorerModel } from './explorerModel';

export const EXPLORER_VIEW_TYPE = 'semid.explorer';

export interface ExplorerRendered {
  rows: number;
  selected: string | null;
  searchTotal: number | null;
}

export class ExplorerPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private subscriptions: vscode.Disposable[] = [];
  private readonly cache = new RunInspectionCache();
  private model: ExplorerModel | null = null;
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
    if (dir !== this.dir || !this.model) {
      this.dir = dir;
      this.model = null;
      this.post({ kind: 'run', run: null, message: 'Loading the run’s IDs and catalog…', reveal: null });
      try {
        const inspection = await this.cache.get(dir);
        this.model = new ExplorerModel(inspection, (await this.ctx.runs.get(dir))?.summary.codebook_size ?? null);
      } catch (err) {
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
    if (!this.model || !this.ready) return;
    this.post({ kind: 'run', run: this.model.info, message: null, reveal: this.reveal });
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
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'explorer', 'Semantic-ID Explorer');
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
    const model = this.model;
    switch (m.kind) {
      case 'ready':
        this.ready = true;
        if (model) this.sendRun();
        else if (m.view?.dir) await this.show(m.view.dir, null, m.view.query || null);
        break;
      case 'children':
        if (model) this.post({ kind: 'children', prefix: m.prefix, ...model.children(m.prefix) });
        break;
      case 'search':
        if (model) this.post({ kind: 'search', requestId: m.requestId, query: m.query, ...model.search(m.query) });
        break;
      case 'item':
        if (!model) break;
        try {
          this.post({ kind: 'item', view: model.item(m.id), error: null });
        } catch (err) {
          this.post({ kind: 'item', view: null, error: err instanceof Error ? err.message : String(err) });
        }
        break;
      case 'pickRun': {
        const dir = await this.pickRun();
        if (dir) await this.show(dir);
        break;
      }
      case 'rendered':
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
