/**
 * Incremental reader of one run's `metrics.jsonl` (append-only, design §3): each read
 * takes only the bytes appended since the last one, keeps a partial last line until
 * its newline arrives, and remembers every event so far as one consistent series (the
 * series rule of src/protocol/metricsSeries.ts: a resume drops the dead process's later steps). No
 * vscode import.
 */
import { promises as fsp } from 'node:fs';
import { appendToSeries, consistentSeries, EngineEvent, parseEngineEvent } from '../../protocol';

const NEWLINE = 0x0a;

export class MetricsTail {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  private readonly all: EngineEvent[] = [];
  /** Reads run one after another, so no byte is read twice. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  /** Every event read so far, without those a resume superseded. */
  get events(): readonly EngineEvent[] {
    return this.all;
  }

  /** Reads what was appended; resolves to the new complete events (none if the file is missing). */
  read(): Promise<EngineEvent[]> {
    const next = this.queue.then(() => this.readAppended());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readAppended(): Promise<EngineEvent[]> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.file, 'r');
    } catch {
      return [];
    }
    try {
      const { size } = await handle.stat();
      if (size < this.offset) this.restart(); // replaced or truncated: read it again from the start
      if (size === this.offset) return [];
      const chunk = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.offset);
      this.offset += bytesRead;
      return this.take(chunk.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  }

  private restart(): void {
    this.offset = 0;
    this.partial = Buffer.alloc(0);
    this.all.length = 0;
  }

  /** Splits on newlines at the byte level so a multi-byte character cut by a read stays whole. */
  private take(chunk: Buffer): EngineEvent[] {
    const data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    const fresh: EngineEvent[] = [];
    let start = 0;
    for (let nl = data.indexOf(NEWLINE, start); nl >= 0; nl = data.indexOf(NEWLINE, start)) {
      const line = data.toString('utf8', start, nl).trim();
      start = nl + 1;
      if (line.length === 0) continue;
      const event = parseEngineEvent(line);
      if (event !== null) fresh.push(event);
    }
    this.partial = Buffer.from(data.subarray(start));
    appendToSeries(this.all, fresh);
    return consistentSeries(fresh);
  }
}
