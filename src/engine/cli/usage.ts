/** A bad command line: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT = { completed: 0, failed: 1, invalid: 2, interrupted: 130 } as const;

export const USAGE = `semid — RQ-VAE semantic IDs

usage:
  semid train <experiment.yaml> [--set k=v]... [--out DIR] [--resume RUN_DIR] [--backend B]
  semid ids <run-dir> [--items FILE] [--embeddings FILE] [--out FILE]
  semid inspect <run-dir> (--prefix 12-4 | --item ID) [--json]
      --resume continues an interrupted run: give the same file, --set and --out
  semid sweep <experiment.yaml> [--seeds N] [--set k=v]...
      runs the file's variants (or grid) x seeds train.seed+0..N-1; run it again to
      continue (finished runs are kept); last stdout line: comparison.json

Progress and summaries go to stderr; stdout carries only the result.
Exit codes: 0 completed, 1 failed, 2 invalid experiment or arguments, 130 interrupted.`;
