/** "Did you mean ...?" for unknown keys: the closest known name by edit distance. */
import { childrenOf, KEYS, SECTIONS } from './keys';

/**
 * Closest known key for an unknown `name` inside `section` ('' = top level): a sibling
 * within a small edit distance (its short name), else a key elsewhere whose last part
 * is the same word (its full dotted path, e.g. 'train.lr' for 'model.lr').
 */
export function suggestKey(section: string, name: string): string | null {
  const siblings = childrenOf(section).map((c) => c.name);
  const close = closest(name, siblings);
  if (close !== null) return close;
  const lower = name.toLowerCase();
  for (const p of [...SECTIONS.map((s) => s.path), ...KEYS.map((k) => k.path)]) {
    if (p.split('.').pop()?.toLowerCase() === lower) return p;
  }
  return null;
}

/** Closest full dotted path among `candidates` (for `--set` keys and sweep keys). */
export function closest(name: string, candidates: readonly string[]): string | null {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[rows - 1][cols - 1];
}
