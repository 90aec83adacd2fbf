/**
 * Stop requests during long synchronous work (loading, featurizing, k-means): signals
 * and IPC messages only arrive between turns of the event loop, so such work calls
 * `check()` between chunks; it yields to the loop every ~50 ms and throws RunStopped
 * once a stop was asked for. The job then ends the run as interrupted.
 */

/** Thrown by Cancellation.check after a stop request; not a failure. */
export class RunStopped extends Error {
  constructor() {
    super('stopped on request');
    this.name = 'RunStopped';
  }
}

const YIELD_EVERY_MS = 50;

export class Cancellation {
  private lastYield = Date.now();

  constructor(private readonly requested: () => boolean) {}

  /** Never stops, never yields: for callers with nothing to cancel (tests, benchmarks, `semid ids`). */
  static readonly none = new Cancellation(() => false);

  get stopRequested(): boolean {
    return this.requested();
  }

  /** Lets pending signals and messages in (at most every ~50 ms); throws RunStopped after a stop request. */
  async check(): Promise<void> {
    if (this !== Cancellation.none && Date.now() - this.lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = Date.now();
    }
    if (this.requested()) throw new RunStopped();
  }
}
