/**
 * Watches one `<output.dir>` for run directories (`<name>/<run-id>/`) with chokidar,
 * reporting only the two files a run's view needs: summary.json and metrics.jsonl.
 * The folder may not exist yet (no run so far, or a path outside the workspace): it is
 * then checked every few seconds and watched once it appears.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { RUN_FILES } from '../../protocol';

export interface RunFileChange {
  runDir: string;
  file: WatchedFile;
  /** False for files found by the first scan of the folder. */
  live: boolean;
}

const APPEAR_POLL_MS = 2000;
type WatchedFile = typeof RUN_FILES.summary | typeof RUN_FILES.metrics;
const WATCHED = new Set<string>([RUN_FILES.summary, RUN_FILES.metrics]);
const isWatched = (name: string): name is WatchedFile => WATCHED.has(name);

export class OutputDirWatcher {
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private ready = false;
  private disposed = false;

  constructor(
    readonly dir: string,
    private readonly onChange: (change: RunFileChange) => void,
    private readonly onError: (message: string) => void,
  ) {
    if (existsSync(dir)) this.start();
    else this.poll = setInterval(() => {
      if (existsSync(dir)) this.start();
    }, APPEAR_POLL_MS);
  }

  private start(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    if (this.disposed || this.watcher) return;
    this.watcher = watch(this.dir, {
      depth: 2, // <dir>/<name>/<run-id>/<file>
      ignored: (p, stats) => this.ignored(p, stats?.isFile()),
    });
    this.watcher.on('add', (p) => this.report(p));
    this.watcher.on('change', (p) => this.report(p));
    this.watcher.on('ready', () => (this.ready = true));
    this.watcher.on('error', (e) => this.onError(`watching ${this.dir}: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Anything but `<name>/<run-id>/{summary.json,metrics.jsonl}` and the folders leading to them. */
  private ignored(p: string, isFile: boolean | undefined): boolean {
    const rel = path.relative(this.dir, p);
    if (rel === '') return false;
    const depth = rel.split(path.sep).length;
    if (depth < 3) return isFile === true;
    return depth > 3 || !WATCHED.has(path.basename(p));
  }

  private report(p: string): void {
    const name = path.basename(p);
    if (!isWatched(name)) return;
    this.onChange({ runDir: path.dirname(p), file: name, live: this.ready });
  }

  dispose(): void {
    this.disposed = true;
    if (this.poll) clearInterval(this.poll);
    void this.watcher?.close();
  }
}
