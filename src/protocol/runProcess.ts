/**
 * The process that writes a run directory (design §3): `run.lock` holds one while it
 * writes; `heartbeat.json` holds one plus its last sign of life. The engine writes
 * both; every reader judges them with protocol/liveness.ts.
 */
export interface RunProcess {
  pid: number;
  hostname: string;
  /** ISO 8601: when this process took the run. */
  started_at: string;
}

/** `heartbeat.json`, rewritten every few seconds while the run's process lives. */
export interface Heartbeat extends RunProcess {
  /** ISO 8601 time of the last beat. */
  time: string;
}
