/**
 * The Runs view in the activity bar: experiment files -> their runs (newest first)
 * with status, backend and key numbers; runs being trained are marked live. Clicking
 * a run opens its dashboard; the context menu opens the explorer or overlays it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { runsOfExperiment } from '../runPick';
import type { RunRecord } from '../runs/runStore';
import { findExperimentFiles } from '../training/chooseExperiment';
import type { TrainingManager } from '../training/trainingManager';

type Node = { kind: 'experiment'; file: string } | { kind: 'run'; record: RunRecord };

const STATUS_ICON: Record<string, string> = { completed: 'pass', failed: 'error', interrupted: 'debug-pause', running: 'sync~spin' };

export class RunsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly manager: TrainingManager,
  ) {
    this.subscriptions = [
      ctx.runs.onDidChangeRun(() => this.refreshSoon()),
      manager.onDidStart(() => this.refreshSoon()),
      manager.onDidFinish(() => this.refreshSoon()),
      vscode.workspace.onDidCreateFiles(() => this.refreshSoon()),
    ];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  private refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 300);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const files = await findExperimentFiles();
      return files.map((f) => ({ kind: 'experiment', file: f.fsPath }) as Node).sort((a, b) => (a.kind === 'experiment' && b.kind === 'experiment' ? a.file.localeCompare(b.file) : 0));
    }
    if (node.kind === 'experiment') return (await runsOfExperiment(this.ctx, node.file)).map((record) => ({ kind: 'run', record }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'experiment') {
      const item = new vscode.TreeItem(path.basename(node.file), vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = vscode.Uri.file(node.file);
      item.description = vscode.workspace.asRelativePath(path.dirname(node.file));
      item.contextValue = 'semid.experiment';
      item.iconPath = new vscode.ThemeIcon('beaker');
      return item;
    }
    const s = node.record.summary;
    const live = this.manager.active.some((t) => t.runDir === node.record.dir);
    const status = live ? 'running' : s.status;
    const name = [s.variant, `seed ${s.seed}`].filter(Boolean).join(' · ');
    const item = new vscode.TreeItem(`${name} · ${s.run_id}`, vscode.TreeItemCollapsibleState.None);
    const numbers = [
      s.collision_rate !== null ? `coll ${(100 * s.collision_rate).toFixed(1)}%` : null,
      s.usage.length ? `usage ${s.usage.map((u) => `${Math.round(100 * u)}`).join('/')}%` : null,
      s.recon_loss !== null ? `recon ${s.recon_loss.toPrecision(3)}` : null,
    ].filter(Boolean);
    item.description = `${live ? '● live · ' : ''}${status} · ${s.backend} · ${numbers.join(' · ')}`;
    item.tooltip = new vscode.MarkdownString(
      [`**${s.experiment}** ${s.variant ?? ''} seed ${s.seed}`, '', `status: ${status}`, `backend: ${s.backend}`, `steps: ${s.steps}`, `run: \`${node.record.dir}\``].join('  \n'),
    );
    item.iconPath = new vscode.ThemeIcon(STATUS_ICON[status] ?? 'circle-outline', live ? new vscode.ThemeColor('charts.blue') : undefined);
    item.contextValue = s.status === 'completed' ? 'semid.run.completed' : 'semid.run';
    item.command = { command: 'semid.openDashboard', title: 'Open Training Dashboard', arguments: [node.record.dir] };
    item.id = node.record.dir;
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** The run directory a runs-view context command was invoked on. */
export function runDirOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as Node | undefined;
  return node && node.kind === 'run' ? node.record.dir : undefined;
}
