import type { RunSummary } from '../../protocol';

/** The end-of-run report: headline numbers and a per-level table. */
export function printSummary(s: RunSummary, out: NodeJS.WritableStream): void {
  const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
  const lines: string[] = [];
  lines.push(`${s.experiment}${s.variant ? ` [${s.variant}]` : ''}: ${s.status} after ${s.steps} steps in ${s.seconds.toFixed(1)} s on ${s.backend}`);
  if (s.status === 'completed') {
    lines.push(`items ${s.items}  recon ${s.recon_loss?.toFixed(4) ?? '-'}  collisions ${pct(s.collision_rate)} before the digit  unique IDs ${pct(s.unique_sid_ratio)} after it`);
    lines.push('level   codes   usage  perplexity   gini  dead');
    for (let l = 0; l < s.levels; l++) {
      lines.push(
        `${String(l).padStart(5)} ${String(s.codebook_size[l]).padStart(7)} ${pct(s.usage[l]).padStart(7)} ${(s.perplexity[l] ?? 0).toFixed(1).padStart(11)} ${(s.gini[l] ?? 0).toFixed(3).padStart(6)} ${String(s.dead_codes[l]).padStart(5)}`,
      );
    }
  } else if (s.error) {
    lines.push(`error: ${s.error}`);
  }
  out.write(lines.join('\n') + '\n');
}
