/**
 * "Train · last run 3 min ago · collisions 8.3% · usage 100/100/100%" above an
 * experiment's `name:`; clicking it trains the file. When the newest run was
 * interrupted, a "Resume" lens beside it continues that run. Refreshed when runs
 * change, when a training ends (refresh()), and every minute (for the "ago").
 * Everything shown comes from run files, so it goes through plainLabel (CodeLens
 * titles render $(icon) syntax).
 */
import * as vscode from 'vscode';
import type { RunStore } from '../runs/runStore';
import { formatAgo } from './relativeTime';
import { runFacts } from './runFacts';
import { headline } from './runMetrics';
import { plainLabel } from '../markdownText';

const TRAIN_COMMAND = 'semid.train';
const RESUME_COMMAND = 'semid.resume';
const REFRESH_MS = 60_000;
const LIVE_REFRESH_MS = 2_000;

export class TrainCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly timer: NodeJS.Timeout;
  private lastLiveRefresh = 0;
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly isExperiment: (document: vscode.TextDocument) => boolean,
    private readonly runs: RunStore,
  ) {
    this.subscriptions.push(
      runs.onDidChangeRun(() => this.changed.fire()),
      // A running run's step moves with every appended event: refresh, but not on each one.
      runs.onDidAppendEvents(() => {
        if (Date.now() - this.lastLiveRefresh < LIVE_REFRESH_MS) return;
        this.lastLiveRefresh = Date.now();
        this.changed.fire();
      }),
    );
    this.timer = setInterval(() => this.changed.fire(), REFRESH_MS);
  }

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!this.isExperiment(document)) return [];
    const line = nameLine(document);
    const range = new vscode.Range(line, 0, line, 0);
    const lenses = [new vscode.CodeLens(range, { title: await this.title(document.uri.fsPath), command: TRAIN_COMMAND, arguments: [document.uri] })];
    const latest = this.runs.latest(document.uri.fsPath);
    if (latest?.summary.status === 'interrupted') {
      lenses.push(
        new vscode.CodeLens(range, {
          title: `Resume at step ${latest.summary.steps}`,
          tooltip: `Continue ${latest.dir} from its last checkpoint`,
          command: RESUME_COMMAND,
          arguments: [latest.dir],
        }),
      );
    }
    return lenses;
  }

  private async title(experimentPath: string): Promise<string> {
    const latest = this.runs.latest(experimentPath);
    if (!latest) return 'Train · no runs yet';
    const events = latest.summary.status === 'running' ? await this.runs.events(latest.dir).catch(() => []) : [];
    const facts = runFacts(latest.summary, events);
    const when = formatAgo(latest.summary.finished_at ?? latest.summary.started_at);
    const metric = headline(facts);
    return plainLabel(`Train · last run ${when}${metric ? ` · ${metric}` : ''}`);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** The top-level `name:` line, or the first line when there is none yet. */
function nameLine(document: vscode.TextDocument): number {
  for (let i = 0; i < document.lineCount; i++) {
    if (/^name\s*:/.test(document.lineAt(i).text)) return i;
  }
  return 0;
}
