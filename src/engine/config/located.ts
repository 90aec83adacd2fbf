/**
 * Values with the place they came from, and the problem list that turns those places
 * into ranges. A value from the file carries its YAML node (so a bad list element can
 * be underlined on its own); a value from `--set` or a sweep override carries an
 * origin label instead, which prefixes its messages and has no position.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, Node } from 'yaml';
import { ConfigProblem, NO_POSITION, ProblemRange } from './problems';

export interface Spot {
  /** The YAML node of the value, when it came from a parsed text. */
  node: Node | null;
  /** Range of the value (the key's when the value is empty). */
  range: ProblemRange;
  keyRange: ProblemRange;
  /** Message prefix for values that are not in the file (`--set model.levels=4`); null for the file. */
  origin: string | null;
}

export interface Entry extends Spot {
  value: unknown;
  /** Comes from an already validated config (withOverrides): no notes, no file checks again. */
  fromBase: boolean;
}

/** Offsets -> 1-based line/col, through the parser's LineCounter. */
export class Positions {
  constructor(
    private readonly lines: LineCounter | null,
    private readonly text: string = '',
  ) {}

  span(start: number, end: number): ProblemRange | null {
    if (this.lines === null) return null;
    const a = this.lines.linePos(start);
    const b = this.lines.linePos(Math.max(start, end));
    return { line: a.line, col: a.col, endLine: b.line, endCol: b.col };
  }

  /** Range of a node's value (without trailing comments/newlines); null if it has none or is empty. */
  of(node: Node | null | undefined): ProblemRange | null {
    if (!node || !node.range) return null;
    const start = node.range[0];
    let end = node.range[1];
    // Block collections end after their last newline; underline up to the last character.
    while (end > start && /\s/.test(this.text.charAt(end - 1))) end--;
    if (end <= start) return null;
    return this.span(start, end);
  }

  /** The spot of `key` inside a mapping spot; the parent's spot when it cannot be located. */
  child(parent: Spot, key: string): Spot {
    const fallback: Spot = { node: null, range: parent.range, keyRange: parent.range, origin: parent.origin };
    if (!isMap(parent.node)) return fallback;
    const pair = parent.node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (!pair) return fallback;
    const keyNode = isScalar(pair.key) ? pair.key : null;
    const keyRange = this.of(keyNode) ?? parent.range;
    const value = isNodeLike(pair.value) ? pair.value : null;
    return { node: value, range: this.of(value) ?? keyRange, keyRange, origin: parent.origin };
  }

  /** The spot of element `i` of a sequence spot. */
  item(parent: Spot, i: number): Spot {
    if (!isSeq(parent.node) || i >= parent.node.items.length) return { ...parent, node: null };
    const raw = parent.node.items[i];
    const node = isNodeLike(raw) ? raw : null;
    const range = this.of(node) ?? parent.range;
    return { node, range, keyRange: range, origin: parent.origin };
  }
}

function isNodeLike(v: unknown): v is Node {
  return isScalar(v) || isMap(v) || isSeq(v) || isAlias(v);
}

/** Problems in the order found; `at` applies a spot's origin (prefix, no position). */
export class ProblemList {
  readonly problems: ConfigProblem[] = [];

  add(severity: ConfigProblem['severity'], key: string | null, message: string, range: ProblemRange): void {
    this.problems.push({ severity, key, message, range });
  }

  at(spot: Spot, severity: ConfigProblem['severity'], key: string | null, message: string, which: 'value' | 'key' = 'value'): void {
    if (spot.origin !== null) this.add(severity, key, `${spot.origin}: ${message}`, NO_POSITION);
    else this.add(severity, key, message, which === 'key' ? spot.keyRange : spot.range);
  }

  hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  /** File positions first, in reading order; then problems without a position. */
  sorted(): ConfigProblem[] {
    const rank = (p: ConfigProblem): number => (p.range.line === 0 ? Number.MAX_SAFE_INTEGER : p.range.line);
    return this.problems
      .map((p, i) => ({ p, i }))
      .sort((a, b) => rank(a.p) - rank(b.p) || a.p.range.col - b.p.range.col || a.i - b.i)
      .map((x) => x.p);
  }
}
