/**
 * A finished run's IDs and catalog loaded in the extension host for the explorer and
 * the heatmap's hover titles: the engine's own loaders and InspectIndex. The catalog
 * is optional: when it cannot be read (moved data) IDs still work, titles do not.
 * No vscode import.
 */
import * as path from 'node:path';
import { loadExperiment } from '../../engine/config';
import { loadCatalog } from '../../engine/data/catalog';
import type { Catalog } from '../../engine/data/types';
import { buildInspectIndex, catalogTitles, type InspectIndex } from '../../engine/diagnostics/inspect';
import { readSemanticIds } from '../../engine/ids/semanticIdsFile';
import { RUN_FILES } from '../../protocol';

export interface RunInspection {
  dir: string;
  index: InspectIndex;
  catalog: Catalog | null;
  catalogProblem: string | null;
}

export async function loadRunInspection(dir: string): Promise<RunInspection> {
  const sids = await readSemanticIds(path.join(dir, RUN_FILES.semanticIds));
  let catalog: Catalog | null = null;
  let catalogProblem: string | null = null;
  try {
    const config = await loadExperiment(path.join(dir, RUN_FILES.config), [], { checkFiles: false });
    catalog = await loadCatalog(config.data.items, config.data.id_field);
  } catch (err) {
    catalogProblem = err instanceof Error ? err.message : String(err);
  }
  const index = buildInspectIndex(sids, catalog ? catalogTitles(sids.ids, catalog) : undefined);
  return { dir, index, catalog, catalogProblem };
}

/** One run kept loaded: looking again in the same run is instant. */
export class RunInspectionCache {
  private cached: { dir: string; loading: Promise<RunInspection> } | undefined;

  get(dir: string): Promise<RunInspection> {
    if (this.cached?.dir !== dir) {
      const loading = loadRunInspection(dir);
      this.cached = { dir, loading };
      loading.catch(() => {
        if (this.cached?.loading === loading) this.cached = undefined;
      });
    }
    return this.cached.loading;
  }
}
