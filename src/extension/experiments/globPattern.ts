/**
 * Glob patterns of the `semid.experiments.patterns` setting, compiled to regular
 * expressions. chokidar 4 watches folders, not globs, so the experiment-file watcher
 * filters the paths it reports with these. Syntax as in VS Code settings: `**` (any
 * number of folders), `*` and `?` (within one path segment), `{a,b}`, `[abc]`.
 */

/** Compiles one glob; paths are matched with forward slashes, relative to a root. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const slashAfter = glob[i + 2] === '/';
        i++;
        if (atSegmentStart && slashAfter) {
          out += '(?:[^/]*/)*'; // `**/`: zero or more whole folders
          i++;
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) {
        out += '\\[';
      } else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else {
      out += c.replace(/[.+^$()|\\\]]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

/** A set of globs: a path matches when any of them does. */
export class GlobSet {
  private readonly regexps: RegExp[];

  constructor(readonly globs: readonly string[]) {
    this.regexps = globs.map(globToRegExp);
  }

  /** `relativePath` uses `/` or the platform separator; no leading `./`. */
  matches(relativePath: string): boolean {
    const p = relativePath.split('\\').join('/').replace(/^\.\//, '');
    return this.regexps.some((r) => r.test(p));
  }
}
