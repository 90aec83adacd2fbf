/**
 * Glob patterns of experiment files (built-in `**\/*.rqvae.{yaml,yml}` plus the
 * `semid.experiments.patterns` setting), matched with picomatch. No vscode import, so
 * it is unit-tested under node:test.
 *
 * A pattern comes from workspace settings, which an untrusted folder can set, so no
 * pattern may stall the extension host. picomatch (like minimatch) compiles to one
 * regular expression whose backtracking is exponential in the number of wildcards
 * (`**a**a**a…b` takes seconds). So a pattern is split into path segments: `**`
 * segments are matched by a small table over (pattern segment, path segment), which
 * is O(pattern segments x path segments), and picomatch only ever sees one segment,
 * with at most MAX_STARS_PER_SEGMENT wildcard runs: O(segment length^2) at worst.
 */
import picomatch from 'picomatch';

/** `**\/*.rqvae.yaml` has one; `exp-*-*.yaml` two. Three or more is where backtracking explodes. */
const MAX_STARS_PER_SEGMENT = 2;
const MAX_PATTERN_LENGTH = 256;
const MAX_SEGMENTS = 32;

/** Experiment files wherever they are: the built-in patterns, always on. */
export const BUILT_IN_PATTERNS: readonly string[] = ['**/*.rqvae.yaml', '**/*.rqvae.yml'];

type Segment = { kind: 'globstar' } | { kind: 'name'; test: (name: string) => boolean };

export interface CompiledGlob {
  glob: string;
  segments: readonly Segment[];
}

/** A compiled glob, or why the pattern is refused (shown to the user, once). */
export function compileGlob(glob: string): CompiledGlob | { problem: string } {
  const text = glob.trim().replace(/^\.\//, '');
  if (text === '') return { problem: 'an empty pattern' };
  if (text.length > MAX_PATTERN_LENGTH) return { problem: `longer than ${MAX_PATTERN_LENGTH} characters` };
  if (text.includes('\\')) return { problem: 'a backslash; write paths with /' };
  if (text.startsWith('/')) return { problem: 'an absolute path; patterns are relative to the workspace folder' };
  if (/\{[^}]*\/[^}]*\}/.test(text)) return { problem: 'a / inside {...}; write one pattern per alternative' };
  if (unbalanced(text, '{', '}') || unbalanced(text, '[', ']')) return { problem: 'an unclosed { or [' };
  const parts = text.split('/');
  if (parts.length > MAX_SEGMENTS) return { problem: `more than ${MAX_SEGMENTS} path segments` };
  const segments: Segment[] = [];
  for (const part of parts) {
    if (part === '') return { problem: 'an empty path segment (//)' };
    if (part === '**') {
      if (segments.at(-1)?.kind !== 'globstar') segments.push({ kind: 'globstar' });
      continue;
    }
    const stars = part.match(/\*+/g)?.length ?? 0;
    if (stars > MAX_STARS_PER_SEGMENT) {
      return { problem: `${stars} wildcards in one path segment ("${part}"); at most ${MAX_STARS_PER_SEGMENT}` };
    }
    let test: (name: string) => boolean;
    try {
      // `**` inside a name (a**b) can only span that name here, as in VS Code's globs.
      test = picomatch(part.replace(/\*{2,}/g, '*'), { dot: true, nonegate: true, noextglob: true });
    } catch (e) {
      return { problem: e instanceof Error ? e.message : String(e) };
    }
    segments.push({ kind: 'name', test });
  }
  return { glob, segments };
}

function unbalanced(text: string, open: string, close: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === open) depth++;
    else if (c === close && --depth < 0) return true;
  }
  return depth !== 0;
}

/** Does a relative path (forward slashes) match? O(pattern segments x path segments) segment tests. */
export function matchesGlob(compiled: CompiledGlob, relativePath: string): boolean {
  const names = relativePath.split(/[\\/]+/).filter((n) => n !== '' && n !== '.');
  const segs = compiled.segments;
  // ok[j]: pattern segments i.. match path names j.. (filled from the end, one row at a time).
  let next = new Array<boolean>(names.length + 1).fill(false);
  next[names.length] = true;
  for (let i = segs.length - 1; i >= 0; i--) {
    const row = new Array<boolean>(names.length + 1).fill(false);
    const seg = segs[i];
    for (let j = names.length; j >= 0; j--) {
      row[j] = seg.kind === 'globstar' ? next[j] || (j < names.length && row[j + 1]) : j < names.length && next[j + 1] && seg.test(names[j]);
    }
    next = row;
  }
  return next[0];
}

/** The built-in patterns plus the user's valid ones; `problems` lists the refused, each with its reason. */
export class ExperimentGlobs {
  readonly compiled: readonly CompiledGlob[];
  readonly problems: readonly { glob: string; problem: string }[];

  constructor(userPatterns: readonly string[]) {
    const compiled: CompiledGlob[] = [];
    const problems: { glob: string; problem: string }[] = [];
    for (const glob of [...BUILT_IN_PATTERNS, ...userPatterns]) {
      const result = compileGlob(glob);
      if ('problem' in result) problems.push({ glob, problem: result.problem });
      else compiled.push(result);
    }
    this.compiled = compiled;
    this.problems = problems;
  }

  /** The patterns in use (for findFiles). */
  get globs(): string[] {
    return this.compiled.map((c) => c.glob);
  }

  matches(relativePath: string): boolean {
    return this.compiled.some((c) => matchesGlob(c, relativePath));
  }
}
