/** Steps per second over a sliding window of recent steps, and when to report it. */
export class ThroughputMeter {
  private times: number[] = [];
  private steps: number[] = [];
  private lastReport = 0;

  constructor(
    private readonly windowSize = 50,
    private readonly reportEveryMs = 1000,
  ) {}

  tick(step: number, at = Date.now()): void {
    this.times.push(at);
    this.steps.push(step);
    if (this.times.length > this.windowSize) {
      this.times.shift();
      this.steps.shift();
    }
  }

  rate(): number {
    const n = this.times.length;
    if (n < 2) return 0;
    const dt = (this.times[n - 1] - this.times[0]) / 1000;
    return dt > 0 ? (this.steps[n - 1] - this.steps[0]) / dt : 0;
  }

  /** True at most once per reporting interval. */
  due(at = Date.now()): boolean {
    if (at - this.lastReport < this.reportEveryMs) return false;
    this.lastReport = at;
    return true;
  }
}
