import type { EngineEvent } from '../../protocol';
import type { JobListener } from '../jobs/runRecorder';

/**
 * Shows a training job on stderr: a one-line progress bar on a terminal, plain lines
 * (one per ~10 s) when stderr is a file or a pipe. stdout stays for results.
 */
export class TerminalReporter implements JobListener {
  private stop = false;
  private lastLoss = '';
  private lastPlain = 0;
  private barShown = false;
  private silent = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  /** Writes nothing more (the stream's reader went away). */
  silence(): void {
    this.silent = true;
  }

  private write(text: string): void {
    if (!this.silent && !this.stream.destroyed) this.stream.write(text);
  }

  get isTty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  requestStop(): void {
    this.stop = true;
  }

  stopRequested(): boolean {
    return this.stop;
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.clearBar();
    const prefix = level === 'info' ? '' : `${level}: `;
    this.write(`${prefix}${message}\n`);
  }

  onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'run_started':
        this.log('info', `run ${event.run_dir}: ${event.items} items x ${event.input_dim} dims, ${event.levels} levels of [${event.codebook_size.join(', ')}] codes, ${event.total_steps} steps${event.resumed_from_step !== null ? ` (resuming at ${event.resumed_from_step})` : ''}`);
        break;
      case 'losses':
        this.lastLoss = `loss ${fmt(event.total)} recon ${fmt(event.recon)}` + (event.collab !== null ? ` collab ${fmt(event.collab)}` : '') +
          (event.collab_accuracy != null && event.collab_chance ? ` (acc ${fmt(event.collab_accuracy)}, chance ${fmt(event.collab_chance.loss)} / ${fmt(event.collab_chance.accuracy)})` : '');
        break;
      case 'progress':
        this.progress(event);
        break;
      case 'dead_codes':
        if (!this.isTty) this.log('info', `step ${event.step}: ${countOf(event.codes.length, 'dead code')} at level ${event.level} (${event.action})`);
        break;
      case 'pairs':
        this.log('info', `pairs: ${event.kept} of ${event.candidates} candidate pairs kept (${event.criterion}${event.threshold !== null ? ` >= ${fmt(event.threshold)}` : ''}) from ${event.contexts} contexts`);
        break;
      case 'run_finished':
        this.clearBar();
        break;
      default:
        break;
    }
  }

  private progress(e: Extract<EngineEvent, { type: 'progress' }>): void {
    const frac = e.total_steps > 0 ? e.step / e.total_steps : 1;
    // Before the first timed steps there is no rate, so no ETA to show.
    const timing = e.steps_per_second > 0 ? `${e.steps_per_second.toFixed(1)} steps/s ETA ${duration(e.eta_seconds)}` : 'timing...';
    const text = `step ${e.step}/${e.total_steps} epoch ${e.epoch + 1}/${e.epochs} ${timing} ${this.lastLoss}`;
    if (this.isTty) {
      const width = 24;
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const columns = this.stream.columns ?? 120;
      this.write(`\r${`${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${text}`.slice(0, columns - 1)}\x1b[K`);
      this.barShown = true;
    } else if (Date.now() - this.lastPlain >= 10_000 || e.step === e.total_steps) {
      this.lastPlain = Date.now();
      this.write(`${text}\n`);
    }
  }

  private clearBar(): void {
    if (this.barShown) {
      this.write('\r\x1b[K');
      this.barShown = false;
    }
  }
}

/** `1 dead code`, `3 dead codes`. */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4);
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
