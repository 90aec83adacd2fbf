/**
 * The resolved experiment as YAML, for a run directory's config.yaml: every default
 * filled in, absolute paths, keys in the order of the experiment file. Reading it back
 * with parseExperiment gives the same config.
 */
import { Document, isSeq, isScalar, visit } from 'yaml';
import { ExperimentConfig } from './experiment';
import { KEYS } from './keys';
import { getPath } from './resolve';

export function serializeConfig(config: ExperimentConfig): string {
  // Rebuilt in table order so that configs assembled elsewhere print the same way.
  const ordered: Record<string, unknown> = {};
  for (const spec of KEYS) {
    const parts = spec.path.split('.');
    let cur = ordered;
    for (const part of parts.slice(0, -1)) {
      if (typeof cur[part] !== 'object' || cur[part] === null) cur[part] = {};
      cur = cur[part] as Record<string, unknown>;
    }
    cur[parts[parts.length - 1]] = getPath(config, spec.path) ?? null;
  }
  const doc = new Document(ordered);
  // Short lists of numbers/strings read best on one line: `encoder: [512, 256, 128]`.
  visit(doc, {
    Seq(_, node) {
      if (isSeq(node) && node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  doc.commentBefore = ' Resolved experiment (every default filled in, absolute paths), written by semid.';
  return doc.toString({ lineWidth: 0 });
}
