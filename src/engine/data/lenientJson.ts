/**
 * JSON.parse that also accepts two kinds of real-world noise instead of failing:
 * raw control characters (tabs, newlines) inside strings, which scrapers often
 * leave in titles, and Python's bare NaN / Infinity, which json.dumps writes by
 * default (they become NaN / ±Infinity so the embedding check can name the rows).
 */

/** Parses `text`; throws SyntaxError with JSON.parse's message when it is not JSON even after repair. */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (strictError) {
    const repaired = repair(text);
    if (repaired.text === text) throw strictError;
    try {
      const value: unknown = JSON.parse(repaired.text);
      return repaired.hadNonFinite ? restoreNonFinite(value) : value;
    } catch {
      throw strictError;
    }
  }
}

const NAN_MARK = '\u0000semid:NaN';
const POS_INF_MARK = '\u0000semid:+Inf';
const NEG_INF_MARK = '\u0000semid:-Inf';

/** Escapes control characters inside strings; turns bare NaN/Infinity into marker strings. */
function repair(text: string): { text: string; hadNonFinite: boolean } {
  let out = '';
  let hadNonFinite = false;
  let inString = false;
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) {
        i += 1;
      } else if (code === 0x22 /* " */) {
        inString = false;
      } else if (code < 0x20) {
        out += text.slice(runStart, i) + '\\u' + code.toString(16).padStart(4, '0');
        runStart = i + 1;
      }
      continue;
    }
    if (code === 0x22) {
      inString = true;
      continue;
    }
    const token = nonFiniteTokenAt(text, i);
    if (token !== null) {
      out += text.slice(runStart, i) + JSON.stringify(token.mark);
      i += token.length - 1;
      runStart = i + 1;
      hadNonFinite = true;
    }
  }
  out += text.slice(runStart);
  return { text: out, hadNonFinite };
}

function nonFiniteTokenAt(text: string, i: number): { mark: string; length: number } | null {
  if (text.startsWith('NaN', i)) return { mark: NAN_MARK, length: 3 };
  if (text.startsWith('-Infinity', i)) return { mark: NEG_INF_MARK, length: 9 };
  if (text.startsWith('Infinity', i)) return { mark: POS_INF_MARK, length: 8 };
  return null;
}

function restoreNonFinite(value: unknown): unknown {
  if (value === NAN_MARK) return NaN;
  if (value === POS_INF_MARK) return Infinity;
  if (value === NEG_INF_MARK) return -Infinity;
  if (Array.isArray(value)) return value.map(restoreNonFinite);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = restoreNonFinite(record[key]);
  }
  return value;
}
