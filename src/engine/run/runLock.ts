/**
 * One writer per run directory: `run.lock`, created exclusively, holds the owner's
 * pid, host and start time. A second process (a second `--resume`, a resume while the
 * original still trains) finds it and is refused; a lock whose owner is dead (run/
 * liveness.ts) is taken over. Released when the run ends; left behind by a killed
 * process, which is exactly the stale case.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunProcess } from '../../protocol';
import { processLiveness } from '../../protocol/liveness';
import { readHeartbeat, thisProcess } from './liveness';
import { RunRefusedError } from './runRefused';
import { RUN_FILES } from '../../protocol/runLayout';

export const LOCK_FILE = RUN_FILES.lock;

export class RunLock {
  private released = false;

  private constructor(
    readonly file: string,
    readonly owner: RunProcess,
  ) {}

  /** Takes the run directory's lock or throws RunRefusedError naming the live owner. */
  static acquire(runDir: string, owner: RunProcess = thisProcess()): RunLock {
    const file = path.join(runDir, LOCK_FILE);
    const text = JSON.stringify(owner, null, 2) + '\n';
    // Twice at most: once as found, once after taking over a dead owner's lock.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, text, { flag: 'wx' });
        return new RunLock(file, owner);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const stale = readLock(file);
      if (stale === null && justWritten(file)) {
        throw new RunRefusedError(`${runDir} is being taken by another process right now (${file} is being written); try again`);
      }
      if (stale !== null) {
        const heartbeat = readHeartbeat(runDir);
        const beat = heartbeat && heartbeat.pid === stale.pid && heartbeat.hostname === stale.hostname ? heartbeat.time : null;
        const life = processLiveness(stale, beat);
        if (life.alive) {
          throw new RunRefusedError(
            `${runDir} is in use by pid ${stale.pid} on ${stale.hostname} (since ${stale.started_at}); ` +
              `stop that process first (a run has one writer). If you are sure it is gone, delete ${file}`,
          );
        }
      }
      takeOver(file, stale);
    }
    throw new RunRefusedError(`${runDir} is being taken over by another process at the same time; try again`);
  }

  /** Removes the lock if it is still ours; idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const current = readLock(this.file);
    if (current && current.pid === this.owner.pid && current.started_at === this.owner.started_at) fs.rmSync(this.file, { force: true });
  }
}

/** A lock file younger than a few seconds may be one whose owner is still writing it. */
function justWritten(file: string): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs < 5_000;
  } catch {
    return false;
  }
}

function readLock(file: string): RunProcess | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RunProcess>;
    if (typeof v.pid === 'number' && typeof v.hostname === 'string' && typeof v.started_at === 'string') {
      return { pid: v.pid, hostname: v.hostname, started_at: v.started_at };
    }
  } catch {
    // Missing (released meanwhile) or unreadable (a write cut short): treated as dead.
  }
  return null;
}

/**
 * Moves the dead owner's lock aside (rename is atomic: of two processes taking over,
 * one moves it) and checks that what it moved is the stale lock, not a lock a third
 * process created meanwhile; if not, puts it back.
 */
function takeOver(file: string, stale: RunProcess | null): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readLock(aside);
  const same = stale === null ? moved === null : moved !== null && moved.pid === stale.pid && moved.started_at === stale.started_at;
  if (same) fs.rmSync(aside, { force: true });
  else fs.renameSync(aside, file);
}
