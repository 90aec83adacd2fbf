/**
 * A run that must not be started or continued as asked (a live run's lock, a resume
 * with another configuration, a completed run): nothing was changed, the caller's
 * input is at fault, so the CLI exits 2 (design §3).
 */
export class RunRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRefusedError';
  }
}
