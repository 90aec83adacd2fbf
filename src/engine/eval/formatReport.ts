import type { EvalReport, RetrievalMetrics } from '../../protocol';

/** eval.json as a short table for stderr: one row per model, test (and validation) metrics. */
export function formatEvalReport(r: EvalReport): string {
  const row = (name: string, split: string, m: RetrievalMetrics): string =>
    `${name.padEnd(11)} ${split.padEnd(5)} ${[m['recall@5'], m['ndcg@5'], m['recall@10'], m['ndcg@10']].map((x) => x.toFixed(4).padStart(9)).join(' ')}`;
  const lines = [
    `retrieval evaluation (${r.split}): ${r.users} users, ${r.skipped} skipped, ${r.unknown_items} of ${r.interactions} interactions without an ID; ` +
      `invalid IDs ${(r.invalid_rate * 100).toFixed(2)}%; ${r.seconds.toFixed(0)} s on ${r.backend}`,
    `retriever (${r.retriever.architecture ?? 'decoder'}): best epoch ${r.retriever.best_epoch} of ${r.retriever.epochs} (${r.retriever.stopped_by}), ${r.retriever.parameters} parameters`,
    `${'model'.padEnd(11)} ${'split'.padEnd(5)} ${'Recall@5'.padStart(9)} ${'NDCG@5'.padStart(9)} ${'Recall@10'.padStart(9)} ${'NDCG@10'.padStart(9)}`,
    row('retriever', 'test', r.test),
    row('retriever', 'valid', r.valid),
  ];
  if (r.baselines.sasrec) lines.push(row('sasrec', 'test', r.baselines.sasrec.test));
  if (r.baselines.popularity) lines.push(row('popularity', 'test', r.baselines.popularity.test));
  return lines.join('\n') + '\n';
}
