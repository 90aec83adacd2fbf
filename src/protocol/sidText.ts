/**
 * Semantic IDs as text: `12-4-7-0` is what we print, and what `semid inspect
 * --prefix` accepts along with `12,4`, `12 4`, `[12, 4]` and the token style of
 * LETTER / TIGER vocabularies, `<a_12><b_4>`.
 */

/** A prefix that cannot be read; the message says why and shows the accepted forms. */
export class PrefixSyntaxError extends Error {
  constructor(
    readonly text: string,
    readonly detail: string,
  ) {
    super(`invalid prefix ${JSON.stringify(text)}: ${detail} (expected e.g. 12-4, 12,4 or <a_12><b_4>)`);
    this.name = 'PrefixSyntaxError';
  }
}

/** `[12, 4, 7, 0]` -> `12-4-7-0`. */
export function formatSid(sid: ArrayLike<number>): string {
  return Array.from(sid).join('-');
}

/** Token of level `level` (0-based): a, b, c, ... as LETTER writes them. */
export function levelLetter(level: number): string {
  return String.fromCharCode(97 + level);
}

const TOKEN = /<([a-z])_(\d+)>/gy;

/**
 * Codes of a prefix, outermost first. `maxDepth` (the full ID's length) turns a
 * prefix longer than any ID into an error instead of a silent empty answer.
 */
export function parsePrefix(text: string, maxDepth?: number): number[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new PrefixSyntaxError(text, 'it is empty');
  const codes = trimmed.startsWith('<') ? parseTokens(text, trimmed) : parseNumbers(text, trimmed);
  if (maxDepth !== undefined && codes.length > maxDepth) {
    throw new PrefixSyntaxError(text, `${codes.length} codes, but IDs here have only ${maxDepth} (${maxDepth - 1} levels + the collision digit)`);
  }
  return codes;
}

function parseTokens(text: string, trimmed: string): number[] {
  const codes: number[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < trimmed.length) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(trimmed);
    if (!m) throw new PrefixSyntaxError(text, `cannot read ${JSON.stringify(trimmed.slice(at))} as a <letter_code> token`);
    const expected = levelLetter(codes.length);
    if (m[1] !== expected) {
      throw new PrefixSyntaxError(text, `token ${codes.length + 1} is <${m[1]}_...>, but level ${codes.length + 1} is <${expected}_...>`);
    }
    codes.push(toCode(text, m[2]));
    at = TOKEN.lastIndex;
  }
  return codes;
}

function parseNumbers(text: string, trimmed: string): number[] {
  let body = trimmed;
  if (body.startsWith('[') !== body.endsWith(']')) throw new PrefixSyntaxError(text, 'unbalanced brackets');
  if (body.startsWith('[')) body = body.slice(1, -1).trim();
  const separators = new Set(body.match(/\s*[-,]\s*|\s+/g)?.map((s) => s.trim() || ' ') ?? []);
  if (separators.size > 1) throw new PrefixSyntaxError(text, `it mixes separators ${[...separators].map((s) => JSON.stringify(s)).join(' and ')}`);
  const parts = body.split(/\s*[-,]\s*|\s+/);
  return parts.map((p) => toCode(text, p));
}

function toCode(text: string, part: string): number {
  if (part === '') throw new PrefixSyntaxError(text, 'a code is missing between separators');
  if (!/^\d+$/.test(part)) throw new PrefixSyntaxError(text, `${JSON.stringify(part)} is not a code (a non-negative integer)`);
  const v = Number(part);
  if (!Number.isSafeInteger(v) || v > 0x7fffffff) throw new PrefixSyntaxError(text, `${part} is too large to be a code`);
  return v;
}
