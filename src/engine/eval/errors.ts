/** Errors of the retrieval evaluation the CLI maps to exit codes (apart, so the CLI loads them without TensorFlow.js). */

/** The run cannot be evaluated as asked (exit code 2): no interactions, no IDs. */
export class EvalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalInputError';
  }
}

/** A stop request ended the evaluation before its results (exit code 130); its checkpoint is kept. */
export class EvalInterrupted extends Error {
  constructor(readonly runDir: string) {
    super(`evaluation interrupted; eval.json not written; continue with: semid eval ${runDir} --resume`);
    this.name = 'EvalInterrupted';
  }
}
