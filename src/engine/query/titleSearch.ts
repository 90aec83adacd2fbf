/**
 * Item text search over a catalog of a million items: every item's id and title,
 * lowercased, in one string (items separated by a newline) with each item's start
 * offset. A search runs V8's native `indexOf` over that string for its
 * longest word, so the cost is one scan of the text instead of a call per item, maps
 * each hit to its item by walking the offsets forward, checks the other words inside that item only,
 * and jumps to the next item. Words never contain whitespace, so no match spans two
 * items. Runs in the engine's query process; no vscode import.
 */

export interface TitleMatches {
  /** Items matching every word, in catalog order. */
  total: number;
  /** The first `limit` of them (positions in the catalog). */
  first: number[];
}

export class TitleSearch {
  private readonly text: string;
  /** starts[i]: offset of item i's text; starts[n]: the text's length + 1. */
  private readonly starts: Float64Array;

  constructor(ids: readonly string[], titles: readonly (string | null)[]) {
    const parts: string[] = new Array(ids.length);
    this.starts = new Float64Array(ids.length + 1);
    let offset = 0;
    for (let i = 0; i < ids.length; i++) {
      // Lowercased one by one: lowercasing can change a string's length, and the offsets must be exact.
      const part = `${ids[i]}\n${titles[i] ?? ''}`.toLowerCase();
      parts[i] = part;
      this.starts[i] = offset;
      offset += part.length + 1;
    }
    this.starts[ids.length] = offset;
    this.text = parts.join('\n');
  }

  get items(): number {
    return this.starts.length - 1;
  }

  /** Items whose id or title contains every word of `query` (case-insensitive), except `skip`. */
  find(query: string, limit: number, skip = -1): TitleMatches {
    const words = [...new Set(query.toLowerCase().split(/\s+/).filter((w) => w !== ''))].sort((a, b) => b.length - a.length);
    if (words.length === 0) return { total: 0, first: [] };
    const [lead, ...rest] = words;
    const { text, starts } = this;
    const first: number[] = [];
    let total = 0;
    let item = 0;
    let at = text.indexOf(lead);
    while (at >= 0) {
      // Hits come in text order: walk the offsets forward (n steps in all) rather than search for each.
      while (starts[item + 1] <= at) item++;
      const end = starts[item + 1] - 1;
      if (item !== skip && this.hasAll(rest, starts[item], end)) {
        total++;
        if (first.length < limit) first.push(item);
      }
      at = text.indexOf(lead, end + 1);
    }
    return { total, first };
  }

  private hasAll(words: readonly string[], start: number, end: number): boolean {
    if (words.length === 0) return true;
    const item = this.text.slice(start, end);
    for (const w of words) if (!item.includes(w)) return false;
    return true;
  }
}
