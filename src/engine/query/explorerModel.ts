/**
 * The explorer's answers over one run's IDs and catalog, in the engine's query process: children of a
 * prefix (the tree, one level at a time), searches (by prefix `12-4` / `12/4` /
 * `<a_12><b_4>`, by pattern `*-4` for one code at a deeper level, by item id or title
 * text) and one item's view. The host relays them; the webview only ever holds what
 * it shows, so a million items stay fluent.
 */
import * as path from 'node:path';
import type { CodePattern, ExplorerItem, ExplorerItemView, ExplorerRunInfo, RunCell, RunChildren, RunSearch, RunUsage } from '../../protocol';
import { parsePrefix } from '../../protocol';
import { displayTitle, inspectItem } from '../diagnostics/inspect';
import type { RunInspection } from './runInspection';
import { TitleSearch } from './titleSearch';

export const SEARCH_LIMIT = 200;
/** Items listed under one full code tuple before "more". */
export const LEAF_LIMIT = 500;

export class ExplorerModel {
  private titleSearch: TitleSearch | null = null;

  /** `codebookSize` from the run's summary; without it, the largest code used + 1. */
  constructor(
    readonly run: RunInspection,
    private readonly codebookSize: readonly number[] | null = null,
  ) {}

  get info(): ExplorerRunInfo {
    const { prefixes } = this.run.index;
    const sizes: number[] = this.codebookSize ? [...this.codebookSize] : [];
    for (let l = sizes.length; l < prefixes.levels; l++) {
      let max = -1;
      for (let i = 0; i < prefixes.items; i++) max = Math.max(max, prefixes.codeAt(i, l));
      sizes.push(max + 1);
    }
    return {
      dir: this.run.dir,
      label: path.basename(this.run.dir),
      items: prefixes.items,
      levels: prefixes.levels,
      codebookSize: sizes,
      catalogProblem: this.run.catalogProblem,
    };
  }

  /** The next codes under `prefix`; under a full L-code tuple, its items (told apart by the digit). */
  children(prefix: readonly number[]): RunChildren {
    const { prefixes } = this.run.index;
    if (prefix.length >= prefixes.levels) {
      const all = prefixes.itemsWithPrefix(prefix.slice(0, prefixes.levels));
      return { nodes: [], items: all.slice(0, LEAF_LIMIT).map((i) => this.describe(i)), total: all.length };
    }
    const nodes = prefixes.childCounts(prefix);
    return { nodes, items: [], total: nodes.reduce((n, c) => n + c.count, 0) };
  }

  /** Items matching a pattern (`null` = any code at that level). */
  pattern(pattern: CodePattern): { total: number; items: ExplorerItem[] } {
    const { prefixes } = this.run.index;
    const items: ExplorerItem[] = [];
    let total = 0;
    for (let i = 0; i < prefixes.items; i++) {
      let ok = true;
      for (let d = 0; d < pattern.length && ok; d++) if (pattern[d] !== null && prefixes.codeAt(i, d) !== pattern[d]) ok = false;
      if (!ok) continue;
      total++;
      if (items.length < SEARCH_LIMIT) items.push(this.describe(i));
    }
    return { total, items };
  }

  search(query: string): RunSearch {
    const q = query.trim();
    if (q === '') return { mode: 'text', prefix: null, total: 0, items: [], error: null };
    const { prefixes, positionOf } = this.run.index;
    const looksLikeCodes = /^[\d\s,\-/*]+$/.test(q) || q.startsWith('<');
    if (looksLikeCodes) {
      if (q.includes('*')) {
        const parts = q.split(/[\s,\-/]+/).filter((p) => p !== '');
        if (parts.length > prefixes.width || parts.some((p) => p !== '*' && !/^\d+$/.test(p))) {
          return { mode: 'error', prefix: null, total: 0, items: [], error: `cannot read ${JSON.stringify(q)}: codes or * separated by - or /` };
        }
        const found = this.pattern(parts.map((p) => (p === '*' ? null : Number(p))));
        return { mode: 'pattern', prefix: null, ...found, error: null };
      }
      let codes: number[];
      try {
        codes = parsePrefix(q.replace(/\//g, '-'), prefixes.width);
      } catch (err) {
        if (!positionOf.has(q)) return { mode: 'error', prefix: null, total: 0, items: [], error: err instanceof Error ? err.message : String(err) };
        codes = [];
      }
      const all = codes.length > 0 ? prefixes.itemsWithPrefix(codes) : [];
      // A numeric catalog id reads like a prefix: an exact id match comes first.
      const exact = positionOf.get(q);
      const items = exact !== undefined ? [exact, ...all.filter((i) => i !== exact)] : all;
      if (items.length > 0 || exact !== undefined) {
        return { mode: 'prefix', prefix: codes, total: items.length, items: items.slice(0, SEARCH_LIMIT).map((i) => this.describe(i)), error: null };
      }
      return { mode: 'prefix', prefix: codes, total: 0, items: [], error: null };
    }
    return { mode: 'text', prefix: null, ...this.text(q), error: null };
  }

  /** Exact item id first, then every id or title containing the words (case-insensitive), in catalog order. */
  text(query: string): { total: number; items: ExplorerItem[] } {
    const { ids, titles, positionOf } = this.run.index;
    this.titleSearch ??= new TitleSearch(ids, titles);
    const exact = positionOf.get(query);
    const found = this.titleSearch.find(query, SEARCH_LIMIT, exact ?? -1);
    const first = exact !== undefined ? [exact, ...found.first.slice(0, SEARCH_LIMIT - 1)] : found.first;
    return { total: found.total + (exact !== undefined ? 1 : 0), items: first.map((i) => this.describe(i)) };
  }

  item(id: string): ExplorerItemView {
    const report = inspectItem(this.run.index, id, { limit: 12 });
    const catalog = this.run.catalog;
    const at = catalog?.indexById.get(id);
    const fields: [string, string][] = catalog && at !== undefined ? Object.entries(catalog.items[at].fields).map(([k, v]) => [k, fieldText(v)]) : [];
    const short = (it: { id: string; sid: number[]; title: string | null }): ExplorerItem => ({ id: it.id, sid: it.sid, title: it.title === null ? null : clip(displayTitle(it.title)) });
    return {
      item: short(report.item),
      fields,
      depths: report.depths.map((d) => ({ depth: d.depth, prefix: d.prefix, count: d.count, exactly: d.exactly, items: d.items.map(short) })),
    };
  }

  /** The items behind heatmap cell (level, code): how many, and the first `limit` titles (ids where untitled). */
  cell(level: number, code: number, limit: number): RunCell {
    const { prefixes, titles, ids } = this.run.index;
    if (level >= prefixes.levels) return { count: 0, titles: [], note: 'no such level' };
    let count = 0;
    const shown: string[] = [];
    for (let i = 0; i < prefixes.items; i++) {
      if (prefixes.codeAt(i, level) !== code) continue;
      count++;
      if (shown.length < limit) {
        const t = titles[i];
        shown.push(t === null ? ids[i] : clip(displayTitle(t), 120));
      }
    }
    return { count, titles: shown, note: this.run.catalogProblem ? `no titles: ${this.run.catalogProblem}` : null };
  }

  /** Items per code and level, counted from the final IDs (`sizes`: codes per level). */
  usage(sizes: readonly number[]): RunUsage {
    const { prefixes } = this.run.index;
    const counts = sizes.map((k) => new Array<number>(k).fill(0));
    for (let i = 0; i < prefixes.items; i++) {
      for (let l = 0; l < Math.min(prefixes.levels, counts.length); l++) {
        const c = prefixes.codeAt(i, l);
        if (c < counts[l].length) counts[l][c]++;
      }
    }
    return { counts, items: prefixes.items };
  }

  private describe(i: number): ExplorerItem {
    const { ids, titles, prefixes } = this.run.index;
    const t = titles[i];
    return { id: ids[i], sid: prefixes.fullId(i), title: t === null ? null : clip(displayTitle(t)) };
  }
}

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function fieldText(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}
