/**
 * A run's catalog and finished IDs loaded for the engine's run queries (the explorer,
 * heatmap titles, pair titles): the engine's own loaders and InspectIndex. The catalog
 * is optional: when it cannot be read (moved data) IDs still work, titles do not.
 */
import * as path from 'node:path';
import { loadRunConfig } from '../config';
import { loadCatalog } from '../data/catalog';
import type { Catalog } from '../data/types';
import { buildInspectIndex, catalogTitles, type InspectIndex } from '../diagnostics/inspect';
import { readSemanticIds } from '../ids/semanticIdsFile';
import { RUN_FILES } from '../../protocol';

/** The run's catalog as its config.yaml names it, or why it cannot be read. */
export type RunCatalog = { catalog: Catalog; problem: null } | { catalog: null; problem: string };

export async function loadRunCatalog(dir: string): Promise<RunCatalog> {
  try {
    const config = await loadRunConfig(dir);
    return { catalog: await loadCatalog(config.data.items, config.data.id_field), problem: null };
  } catch (err) {
    return { catalog: null, problem: err instanceof Error ? err.message : String(err) };
  }
}

export interface RunInspection {
  dir: string;
  index: InspectIndex;
  catalog: Catalog | null;
  catalogProblem: string | null;
}

/** Reads semantic_ids.jsonl (throws when the run has not written it) and joins the catalog's titles. */
export async function loadRunInspection(dir: string, runCatalog: RunCatalog): Promise<RunInspection> {
  const sids = await readSemanticIds(path.join(dir, RUN_FILES.semanticIds));
  const { catalog, problem } = runCatalog;
  const index = buildInspectIndex(sids, catalog ? catalogTitles(sids.ids, catalog) : undefined);
  return { dir, index, catalog, catalogProblem: problem };
}
