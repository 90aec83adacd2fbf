/** What the experiment validator reports, and how the CLI prints it. */

/**
 * 1-based position of the offending key or value in the experiment file; the end is
 * exclusive (the position just after the node), so VS Code's Range is
 * (line - 1, col - 1, endLine - 1, endCol - 1). Line 0: no position in the file (a
 * `--set` override, an override applied by a sweep, or a problem with the whole file).
 */
export interface ProblemRange {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export interface ConfigProblem {
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** Dotted key at fault, or null (syntax errors, a file that is not a mapping). */
  key: string | null;
  range: ProblemRange;
}

export const NO_POSITION: ProblemRange = { line: 0, col: 0, endLine: 0, endCol: 0 };

/**
 * `file:line:col: message` (the compiler convention that terminals and VS Code link).
 * Warnings and infos say so after the position: `file:3:5: warning: message`.
 * Without a position: `--set ...: message` for overrides (the message carries the
 * prefix), `file: message` for anything else.
 */
export function formatProblem(filePath: string, p: ConfigProblem): string {
  const label = p.severity === 'error' ? '' : `${p.severity}: `;
  if (p.range.line > 0) return `${filePath}:${p.range.line}:${p.range.col}: ${label}${p.message}`;
  if (p.message.startsWith('--set ')) return `${label}${p.message}`;
  return `${filePath}: ${label}${p.message}`;
}

/** An experiment that cannot run: every error, formatted one per line. */
export class ExperimentError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      problems
        .filter((p) => p.severity === 'error')
        .map((p) => formatProblem(file, p))
        .join('\n'),
    );
    this.name = 'ExperimentError';
  }
}
