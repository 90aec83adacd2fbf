/** Errors of the retrieval evaluation the CLI maps to exit codes (apart, so the CLI loads them without TensorFlow.js). */

/** The run cannot be evaluated as asked (exit code 2): no interactions, no IDs. */
export class EvalInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalInputError';
  }
}

/** A stop request ended the evaluation before its results (exit code 130). */
export class EvalInterrupted extends Error {
  constructor() {
    super('evaluation interrupted; nothing was written (run semid eval again)');
    this.name = 'EvalInterrupted';
  }
}
