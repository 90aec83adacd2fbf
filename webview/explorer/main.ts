/**
 * Semantic-ID Explorer webview: a prefix tree (level 1 -> ... -> items) with counts
 * and a usage bar per node, a search box (prefix `12-4`, `12/4`, `<a_12><b_4>`,
 * pattern `*-4`, item id or title words) and an item view. The tree and the result
 * list are virtualised: only the rows on screen exist in the DOM, and children are
 * fetched from the host when a node opens (src/protocol/explorer.ts).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { CodePattern, ExplorerItem, ExplorerItemView, ExplorerNode, ExplorerRunInfo, ExplorerToHost, ExplorerViewState, HostToExplorer } from '../../src/protocol';
import { h } from '../dashboard/dom';
import { VirtualList } from './virtualList';

interface VsCodeApi {
  postMessage(message: ExplorerToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Row =
  | { kind: 'node'; prefix: number[]; count: number; parentCount: number; siblingMax: number }
  | { kind: 'item'; item: ExplorerItem; depth: number }
  | { kind: 'more'; depth: number; text: string };

const vscode = acquireVsCodeApi();
const saved = (vscode.getState() as { view?: ExplorerViewState } | undefined)?.view ?? null;
const view: ExplorerViewState = saved ?? { dir: null, expanded: [], query: '', selected: null };
const post = (m: ExplorerToHost): void => vscode.postMessage(m);
/** The host marks test sessions (ExtensionMode.Test): only they get `rendered` reports. */
const testSession = document.body.dataset.testSession === 'true';
const save = (): void => vscode.setState({ view });

let run: ExplorerRunInfo | null = null;
const children = new Map<string, { nodes: ExplorerNode[]; items: ExplorerItem[]; total: number; error: string | null }>();
const expanded = new Set<string>(view.expanded);
let highlight: string | null = null;
let searchId = 0;
let lastSearch: { total: number; items: ExplorerItem[]; mode: string; error: string | null; query: string } | null = null;

const key = (prefix: readonly number[]): string => prefix.join('-');
const sidText = (sid: readonly number[]): string => sid.join('-');

// Layout.
const app = document.getElementById('app') as HTMLElement;
const title = h('h1', {}, 'Semantic-ID Explorer');
const runMeta = h('div', { class: 'meta' });
const search = h('vscode-textfield', { placeholder: 'Prefix 12-4, 12/4, <a_12><b_4>, *-4, an item id or title words', id: 'search' }) as HTMLElement & { value: string };
const clear = h('vscode-button', { secondary: '' }, 'Clear');
const pick = h('vscode-button', { secondary: '' }, 'Choose run…');
const resultsHead = h('div', { class: 'results-head' });
const treeList = new VirtualList<Row>(22, renderRow);
const resultList = new VirtualList<Row>(22, renderRow);
const detail = h('div', { class: 'detail' }, h('p', { class: 'placeholder' }, 'Choose an item in the tree or the search results.'));
const message = h('p', { class: 'placeholder' });
const left = h('div', { class: 'left' }, h('div', { class: 'search-row' }, search, clear), resultsHead, resultList.element, treeList.element);
app.replaceChildren(h('header', { class: 'run-header' }, h('div', { class: 'title-row' }, title, h('span', { class: 'spacer' }), pick), runMeta), message, h('div', { class: 'explorer' }, left, detail));

pick.addEventListener('click', () => post({ kind: 'pickRun' }));
clear.addEventListener('click', () => {
  search.value = '';
  runSearch('');
});
let debounce = 0;
search.addEventListener('input', () => {
  clearTimeout(debounce);
  debounce = window.setTimeout(() => runSearch(search.value), 150);
});
search.addEventListener('keydown', (e) => {
  if ((e as KeyboardEvent).key === 'Enter') {
    clearTimeout(debounce);
    runSearch(search.value);
  }
});

function runSearch(query: string): void {
  view.query = query;
  save();
  if (query.trim() === '') {
    lastSearch = null;
    renderResults();
    return;
  }
  post({ kind: 'search', requestId: ++searchId, query });
}

function toggle(prefix: number[]): void {
  const k = key(prefix);
  if (expanded.has(k)) expanded.delete(k);
  else {
    expanded.add(k);
    // A node whose query failed asks again when reopened.
    if (!children.has(k) || children.get(k)?.error) post({ kind: 'children', prefix });
  }
  view.expanded = [...expanded];
  save();
  renderTree();
}

function select(id: string): void {
  view.selected = id;
  save();
  post({ kind: 'item', id });
  treeList.refresh();
  resultList.refresh();
}

/** The tree's visible rows: expanded nodes' children, depth first. */
function flatten(): Row[] {
  const rows: Row[] = [];
  if (!run) return rows;
  const walk = (prefix: number[], parentCount: number): void => {
    const c = children.get(key(prefix));
    if (!c) {
      if (prefix.length > 0) rows.push({ kind: 'more', depth: prefix.length, text: 'loading…' });
      return;
    }
    if (c.error !== null) {
      rows.push({ kind: 'more', depth: prefix.length, text: c.error });
      return;
    }
    const siblingMax = Math.max(1, ...c.nodes.map((n) => n.count));
    for (const node of c.nodes) {
      const p = [...prefix, node.code];
      rows.push({ kind: 'node', prefix: p, count: node.count, parentCount, siblingMax });
      if (expanded.has(key(p))) walk(p, node.count);
    }
    for (const item of c.items) rows.push({ kind: 'item', item, depth: prefix.length });
    if (c.items.length > 0 && c.total > c.items.length) rows.push({ kind: 'more', depth: prefix.length, text: `… ${c.total - c.items.length} more: search ${sidText(prefix)}` });
  };
  walk([], run.items);
  return rows;
}

function renderTree(): void {
  treeList.set(flatten());
  report();
}

function renderRow(row: Row): HTMLElement {
  if (row.kind === 'node') {
    const depth = row.prefix.length - 1;
    const k = key(row.prefix);
    const open = expanded.has(k);
    const bar = h('span', { class: 'usage-bar' }, h('span', { class: 'usage-fill' }));
    // Bars relative to the busiest sibling: the spread between codes shows at a glance.
    (bar.firstChild as HTMLElement).style.width = `${((100 * row.count) / row.siblingMax).toFixed(1)}%`;
    const share = `${((100 * row.count) / Math.max(1, row.parentCount)).toFixed(1)}%`;
    const el = h(
      'div',
      { class: `row node${highlight === k ? ' highlight' : ''}`, 'data-prefix': k, title: `${row.count} items under ${k}: ${share} of its parent` },
      h('span', { class: 'twisty' }, open ? '▾' : '▸'),
      h('span', { class: 'code' }, `${levelName(depth)} ${row.prefix[depth]}`),
      h('span', { class: 'prefix' }, depth > 0 ? k : ''),
      bar,
      h('span', { class: 'count' }, row.count.toLocaleString()),
      h('span', { class: 'share' }, share),
    );
    el.style.paddingLeft = `${depth * 16 + 4}px`;
    el.addEventListener('click', () => toggle(row.prefix));
    return el;
  }
  if (row.kind === 'item') {
    const el = h(
      'div',
      { class: `row item${view.selected === row.item.id ? ' selected' : ''}`, 'data-item': row.item.id },
      h('span', { class: 'sid' }, sidText(row.item.sid)),
      h('span', { class: 'item-title' }, row.item.title ?? row.item.id),
    );
    el.style.paddingLeft = `${row.depth * 16 + 20}px`;
    el.title = row.item.id;
    el.addEventListener('click', () => select(row.item.id));
    return el;
  }
  const el = h('div', { class: 'row more' }, row.text);
  el.style.paddingLeft = `${row.depth * 16 + 20}px`;
  return el;
}

function levelName(depth: number): string {
  return `L${depth}`;
}

function renderResults(): void {
  if (!lastSearch) {
    resultsHead.replaceChildren();
    resultList.element.hidden = true;
    resultList.set([]);
    report();
    return;
  }
  const s = lastSearch;
  const what = s.mode === 'prefix' ? 'under this prefix' : s.mode === 'pattern' ? 'match this pattern' : 'match';
  resultsHead.replaceChildren(
    s.error
      ? h('span', { class: 'error' }, s.error)
      : h('span', { id: 'search-total', 'data-total': String(s.total) }, `${s.total.toLocaleString()} item${s.total === 1 ? '' : 's'} ${what}${s.total > s.items.length ? ` (first ${s.items.length})` : ''}`),
  );
  resultList.element.hidden = s.items.length === 0;
  resultList.set(s.items.map((item) => ({ kind: 'item', item, depth: 0 })));
  report();
}

function renderDetail(v: ExplorerItemView | null, error: string | null): void {
  if (!v) {
    detail.replaceChildren(h('p', { class: 'error' }, error ?? 'No item.'));
    return;
  }
  const fields = v.fields.length
    ? h('table', { class: 'kv fields' }, h('tbody', {}, v.fields.map(([k, value]) => h('tr', {}, h('th', {}, k), h('td', {}, value)))))
    : h('p', { class: 'placeholder' }, run?.catalogProblem ? `No catalog fields: ${run.catalogProblem}` : 'Not in the catalog.');
  const depths = v.depths.map((d) => {
    const last = d.depth === v.depths.length;
    const list = d.items.map((it) => {
      const row = h('div', { class: 'row item', 'data-item': it.id }, h('span', { class: 'sid' }, sidText(it.sid)), h('span', { class: 'item-title' }, it.title ?? it.id));
      row.addEventListener('click', () => select(it.id));
      return row;
    });
    if (d.exactly > d.items.length) list.push(h('div', { class: 'row more' }, `… ${d.exactly - d.items.length} more`));
    const head = h(
      'h3',
      {},
      h('span', { class: 'sid' }, sidText(d.prefix)),
      ` ${d.count} other item${d.count === 1 ? '' : 's'}`,
      h('span', { class: 'caption' }, d.count === 0 ? '' : last ? ' · same codes, told apart by the digit' : ` · ${d.exactly} diverge at the next level`),
    );
    return h('section', { class: 'depth' }, head, ...list);
  });
  detail.replaceChildren(
    h('h2', { class: 'item-heading' }, v.item.title ?? v.item.id),
    h('div', { class: 'meta' }, h('span', { class: 'sid big', id: 'item-sid' }, sidText(v.item.sid)), h('span', {}, `item ${v.item.id}`)),
    h('h3', {}, 'Catalog fields'),
    fields,
    h('h3', {}, 'Items sharing its codes'),
    ...depths,
  );
}

function report(): void {
  if (!testSession) return;
  post({ kind: 'rendered', rows: treeList.size + resultList.size, selected: view.selected, searchTotal: lastSearch?.total ?? null });
}

/** Opens the tree along a prefix and highlights its node; a pattern with `*` becomes a search. */
function reveal(pattern: CodePattern): void {
  if (pattern.some((c) => c === null)) {
    const q = pattern.map((c) => (c === null ? '*' : String(c))).join('-');
    search.value = q;
    runSearch(q);
    return;
  }
  const prefix = pattern as number[];
  for (let d = 1; d < prefix.length; d++) {
    const k = key(prefix.slice(0, d));
    expanded.add(k);
    if (!children.has(k)) post({ kind: 'children', prefix: prefix.slice(0, d) });
  }
  highlight = key(prefix);
  const q = key(prefix);
  search.value = q;
  runSearch(q);
  renderTree();
  scrollToHighlight();
}

function scrollToHighlight(): void {
  if (!highlight) return;
  const i = treeList.rows.findIndex((r) => r.kind === 'node' && key(r.prefix) === highlight);
  if (i >= 0) treeList.scrollTo(i);
}

window.addEventListener('message', (e: MessageEvent<HostToExplorer>) => {
  const m = e.data;
  switch (m.kind) {
    case 'run':
      if (!m.run) {
        run = null;
        message.textContent = m.message ?? '';
        message.hidden = false;
        return;
      }
      message.hidden = true;
      if (run?.dir !== m.run.dir) {
        children.clear();
        if (view.dir !== m.run.dir) expanded.clear();
      }
      run = m.run;
      view.dir = run.dir;
      save();
      runMeta.replaceChildren(
        h('span', {}, run.label),
        h('span', {}, `${run.items.toLocaleString()} items`),
        h('span', {}, `${run.levels} levels × [${run.codebookSize.join(', ')}] codes + a collision digit`),
        ...(run.catalogProblem ? [h('span', { class: 'error' }, `no titles: ${run.catalogProblem}`)] : []),
      );
      post({ kind: 'children', prefix: [] });
      for (const k of expanded) post({ kind: 'children', prefix: k.split('-').map(Number) });
      if (m.reveal) reveal(m.reveal);
      else if (view.query) {
        search.value = view.query;
        runSearch(view.query);
      }
      if (view.selected) post({ kind: 'item', id: view.selected });
      break;
    case 'children':
      children.set(key(m.prefix), { nodes: m.nodes, items: m.items, total: m.total, error: m.error });
      renderTree();
      scrollToHighlight();
      break;
    case 'search':
      if (m.requestId !== searchId) return;
      lastSearch = { total: m.total, items: m.items, mode: m.mode, error: m.error, query: m.query };
      renderResults();
      break;
    case 'item':
      renderDetail(m.view, m.error);
      break;
    case 'query':
      search.value = m.query;
      runSearch(m.query);
      break;
  }
});

post({ kind: 'ready', view: saved });
