/** When a level's dead codes are worth a warning. No vscode import. */
import type { EngineEvent } from '../../protocol';

/** Levels of `event` whose dead share is above `threshold` (shares need the codebook sizes). */
export function levelsOverThreshold(event: EngineEvent, sizes: readonly number[], threshold: number): { level: number; share: number }[] {
  if (event.type !== 'diagnostics' || threshold <= 0 || threshold >= 1) return [];
  return event.dead_codes
    .map((dead, level) => ({ level, share: sizes[level] ? dead / sizes[level] : 0 }))
    .filter((x) => x.share > threshold);
}
