/**
 * What a run says about one key: the metrics each key governs (issue 5, item 4),
 * as Markdown for the hover, and the one-line headline of the CodeLens.
 * No vscode import.
 */
import type { RunFacts } from './runFacts';
import { markdownValue } from '../markdownText';

export type MetricFamily = 'codebook' | 'balance' | 'pairs' | 'collab' | 'dead-codes' | 'losses';

const LOSS_KEYS = new Set(['train.lr', 'train.epochs', 'train.batch_size', 'train.optimizer', 'train.weight_decay']);

/** The metrics a key governs, or null for keys without run metrics (name, data.*, ...). */
export function metricFamily(keyPath: string): MetricFamily | null {
  if (keyPath === 'model.codebook_size' || keyPath === 'model.levels') return 'codebook';
  if (keyPath.startsWith('balance.')) return 'balance';
  if (keyPath.startsWith('collab.pairs.')) return 'pairs';
  if (keyPath.startsWith('collab.')) return 'collab';
  if (keyPath.startsWith('dead_codes.')) return 'dead-codes';
  if (LOSS_KEYS.has(keyPath)) return 'losses';
  return null;
}

// Run files are data anyone can write: a value that is not a finite number where one
// belongs is shown as escaped text, never formatted or passed through as Markdown.
const numeric = (f: (x: number) => string) => (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? f(x) : markdownValue(x));
const pct = numeric((x) => `${(x * 100).toFixed(x >= 0.9995 || x === 0 ? 0 : 1)}%`);
const num = numeric((x) => (Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3)));
const count = numeric((x) => x.toLocaleString('en-US'));
const text = numeric(String);
const perLevel = (xs: readonly unknown[], f: (x: unknown) => string): string => (Array.isArray(xs) ? xs.map(f).join(' · ') : markdownValue(xs));

/** Markdown lines for one family; a line saying why when the run has nothing to show. */
export function metricLines(family: MetricFamily, facts: RunFacts): string[] {
  switch (family) {
    case 'codebook': {
      if (facts.usage.length === 0) return ['_No codebook diagnostics yet._'];
      const rows = facts.usage.map(
        (u, l) => `| ${l} | ${text(facts.codebookSize[l] ?? '')} | ${pct(u)} | ${facts.perplexity[l] !== undefined ? num(facts.perplexity[l]) : ''} |`,
      );
      return ['| level | codes | usage | perplexity |', '|---:|---:|---:|---:|', ...rows];
    }
    case 'balance': {
      const balance = facts.lastLosses?.balance ?? null;
      const lines = [balance === null ? 'Balance loss: off in this run' : `Final balance loss (per level): ${perLevel(balance, num)}`];
      if (facts.gini.length > 0) lines.push(`Gini (per level): ${perLevel(facts.gini, numeric((g) => g.toFixed(3)))}`);
      return lines;
    }
    case 'pairs': {
      const p = facts.pairs;
      if (!p) return ['No pairs mined in this run (the collaborative term was off).'];
      const share = typeof p.candidates === 'number' && typeof p.kept === 'number' && p.candidates > 0 ? ` (${pct(p.kept / p.candidates)})` : '';
      const cut = p.threshold === null ? markdownValue(p.criterion) : `${markdownValue(p.criterion)} ≥ ${text(p.threshold)}`;
      return [`Pairs kept: ${count(p.kept)} of ${count(p.candidates)}${share}, ${cut}, from ${count(p.contexts)} contexts`];
    }
    case 'collab': {
      const collab = facts.lastLosses?.collab ?? null;
      const lines = [collab === null ? 'Collaborative loss: off in this run' : `Final collaborative loss: ${num(collab)}`];
      if (facts.pairs) lines.push(`Pairs kept: ${count(facts.pairs.kept)} of ${count(facts.pairs.candidates)}`);
      return lines;
    }
    case 'dead-codes': {
      const lines: string[] = [];
      if (facts.deadCodes.length > 0) lines.push(`Dead codes (per level): ${perLevel(facts.deadCodes, text)}`);
      const r = facts.reinits;
      lines.push(r.events === 0 ? 'Re-initialisations: none' : `Re-initialisations: ${text(r.events)} (${count(r.codes)} codes)`);
      return lines;
    }
    case 'losses': {
      const l = facts.lastLosses;
      if (l) return [`Final losses (step ${text(l.step)}): recon ${num(l.recon)} · total ${num(l.total)}`];
      const recon = facts.summary.recon_loss;
      return [recon === null ? '_No losses yet._' : `Final recon loss: ${num(recon)}`];
    }
  }
}

/** "collisions 8.3% · usage 100/100/100%", or the run's state when it has no diagnostics. */
export function headline(facts: RunFacts): string {
  const { summary } = facts;
  if (summary.status === 'running') {
    return facts.totalSteps ? `running, step ${facts.step}/${facts.totalSteps}` : 'running';
  }
  if (summary.status === 'failed') return 'failed';
  const parts: string[] = [];
  if (typeof facts.collisionRate === 'number') parts.push(`collisions ${(facts.collisionRate * 100).toFixed(1)}%`);
  if (Array.isArray(facts.usage) && facts.usage.length > 0) parts.push(`usage ${facts.usage.map((u) => Math.round(Number(u) * 100)).join('/')}%`);
  if (summary.status === 'interrupted') parts.unshift('interrupted');
  return parts.join(' · ');
}
