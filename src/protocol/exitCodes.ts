/**
 * Exit codes of `semid` and of the engine child process (design §3): the CLI returns
 * them, the extension reads them, so they are named here once.
 */
export const EXIT = { completed: 0, failed: 1, invalid: 2, interrupted: 130 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
