/**
 * Text -> word tokens for the tf-idf featurizer: HTML entities decoded, NFKC-folded,
 * lower-cased, Unicode letters and digits, a small English stop-word list.
 */

export const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ',
  ndash: '\u2013', mdash: '\u2014', lsquo: '\u2018', rsquo: '\u2019',
  ldquo: '\u201c', rdquo: '\u201d', hellip: '\u2026', trade: '\u2122',
  reg: '\u00ae', copy: '\u00a9', deg: '\u00b0', times: '\u00d7', frac12: '\u00bd',
  eacute: '\u00e9', egrave: '\u00e8', aacute: '\u00e1', agrave: '\u00e0',
  iacute: '\u00ed', oacute: '\u00f3', uacute: '\u00fa', ntilde: '\u00f1',
  uuml: '\u00fc', ouml: '\u00f6', auml: '\u00e4', ccedil: '\u00e7', szlig: '\u00df',
};

/** Decodes `&amp;`-style named and `&#39;` / `&#x27;` numeric entities; unknown ones stay as written. */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Function words that say nothing about an item. Kept small on purpose: tf-idf down-weights the rest. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  ('a an and are as at be but by for from has have he her his i if in into is it its me my no not of on or our ' +
    'she so than that the their them then there these they this those to too us was we were what when which who ' +
    'will with you your').split(' '),
);

/**
 * One token is: a decimal number, maybe after letters ("0.5", "1,000", "v2.0"), a run of letters/digits/marks with
 * inner apostrophes ("e55", "don't"), or a single Han/Kana character (those scripts
 * write no spaces, so single characters are the only split that needs no dictionary).
 */
export const TOKEN = /\p{L}*\p{Nd}+(?:[.,]\p{Nd}+)+|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{M}\p{N}])+(?:['\u2019](?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{M}\p{N}])+)*/gu;

/** Word tokens of one text, in order, stop words dropped, possessive "'s" stripped. */
export function tokenizeText(text: string): string[] {
  const normalized = decodeHtmlEntities(text).normalize('NFKC').toLowerCase();
  const tokens: string[] = [];
  for (const match of normalized.matchAll(TOKEN)) {
    let token = match[0].replace(/\u2019/g, "'");
    if (token.endsWith("'s")) token = token.slice(0, -2);
    if (token.length === 0 || STOP_WORDS.has(token)) continue;
    tokens.push(token);
  }
  return tokens;
}

/** Separators of category paths: `A > B > C | A > D`. */
export const PATH_SEPARATOR = /\s*\|\s*/;
export const LEVEL_SEPARATOR = /\s*>\s*/;

/** True when a string reads as one or more category paths ("Beauty > Makeup"). */
export function looksLikeCategoryPath(text: string): boolean {
  return /\S\s*>\s*\S/.test(text);
}

/** Splits `A > B | C > D` into [["A","B"],["C","D"]] (entities decoded, empty levels dropped). */
export function splitCategoryPaths(text: string): string[][] {
  return decodeHtmlEntities(text)
    .split(PATH_SEPARATOR)
    .map((path) => path.split(LEVEL_SEPARATOR).map((level) => level.trim()).filter((level) => level.length > 0))
    .filter((path) => path.length > 0);
}

/**
 * One token per path prefix ("cat:beauty", "cat:beauty>makeup", ...), so two items in
 * the same sub-tree share tokens in proportion to how deep their paths agree; a level
 * word alone ("nails") cannot say under which parent it sits.
 */
export function categoryPrefixTokens(path: readonly string[]): string[] {
  const tokens: string[] = [];
  let prefix = 'cat:';
  for (let i = 0; i < path.length; i++) {
    const level = tokenizeText(path[i]).join(' ') || path[i].toLowerCase();
    prefix += (i > 0 ? '>' : '') + level;
    tokens.push(prefix);
  }
  return tokens;
}
