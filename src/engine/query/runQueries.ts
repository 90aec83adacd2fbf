/**
 * The engine's answers to the host's run queries (src/protocol/runQuery.ts): the last
 * few runs' catalogs and ID indexes stay loaded, so the explorer's searches and the
 * dashboard's heatmap hovers answer from memory. Served by `semid query`
 * (cli/serveQueries.ts); the Chromium tests call it in-process.
 */
import { DEFAULT_TITLE_FIELDS, catalogTitles, displayTitle } from '../diagnostics/inspect';
import { readSummary } from '../run/runDirectory';
import type { RunAnswer, RunAnswers, RunQuerier, RunQuery, RunTitles } from '../../protocol';
import { ExplorerModel } from './explorerModel';
import { loadRunCatalog, loadRunInspection, type RunCatalog } from './runInspection';

/** Runs kept loaded: the explorer's and the dashboard's (a catalog can be large). */
const KEPT_RUNS = 2;

/** Loads per run directory, the most recently used last; a failed load is not kept. */
class RecentLoads<T> {
  private readonly loads = new Map<string, Promise<T>>();

  get(dir: string, load: () => Promise<T>): Promise<T> {
    let loading = this.loads.get(dir);
    if (loading) this.loads.delete(dir);
    else {
      loading = load();
      loading.catch(() => {
        if (this.loads.get(dir) === loading) this.loads.delete(dir);
      });
    }
    this.loads.set(dir, loading);
    for (const old of this.loads.keys()) {
      if (this.loads.size <= KEPT_RUNS) break;
      this.loads.delete(old);
    }
    return loading;
  }

  forget(dir: string): void {
    this.loads.delete(dir);
  }
}

export class RunQueries implements RunQuerier {
  private readonly catalogs = new RecentLoads<RunCatalog>();
  private readonly models = new RecentLoads<ExplorerModel>();

  async ask<Q extends RunQuery>(query: Q): Promise<RunAnswer<Q>> {
    return (await this.answer(query)) as RunAnswer<Q>;
  }

  private async answer(q: RunQuery): Promise<RunAnswers[keyof RunAnswers]> {
    switch (q.kind) {
      case 'open':
        return (await this.model(q.dir)).info;
      case 'children':
        return (await this.model(q.dir)).children(q.prefix);
      case 'search':
        return (await this.model(q.dir)).search(q.query);
      case 'item':
        return (await this.model(q.dir)).item(q.id);
      case 'cell':
        return (await this.model(q.dir)).cell(q.level, q.code, q.limit);
      case 'usage':
        return (await this.model(q.dir)).usage(q.sizes);
      case 'titles':
        return this.titles(q.dir, q.ids);
    }
  }

  private catalog(dir: string): Promise<RunCatalog> {
    const loading = this.catalogs.get(dir, () => loadRunCatalog(dir));
    // An unreadable catalog is asked again next time (the data may be back).
    void loading.then((c) => c.problem !== null && this.catalogs.forget(dir));
    return loading;
  }

  private async model(dir: string): Promise<ExplorerModel> {
    const load = async () => {
      const inspection = await loadRunInspection(dir, await this.catalog(dir));
      return new ExplorerModel(inspection, codebookSizeOf(dir));
    };
    const model = await this.models.get(dir, load);
    if (model.info.catalogProblem === null) return model;
    // Built without titles: rebuilt once the catalog reads again (the data may be back).
    if ((await this.catalog(dir)).problem !== null) return model;
    this.models.forget(dir);
    return this.models.get(dir, load);
  }

  private async titles(dir: string, ids: readonly string[]): Promise<RunTitles> {
    const { catalog, problem } = await this.catalog(dir);
    if (!catalog) return { titles: [], problem };
    const found = catalogTitles(ids, catalog, DEFAULT_TITLE_FIELDS);
    const titles: [string, string][] = [];
    ids.forEach((id, i) => {
      const t = found[i];
      if (t !== null) titles.push([id, displayTitle(t)]);
    });
    return { titles, problem: null };
  }
}

/** `model.codebook_size` from the run's summary; null when unreadable (the model falls back to the codes used). */
function codebookSizeOf(dir: string): number[] | null {
  try {
    const sizes = readSummary(dir).codebook_size;
    return Array.isArray(sizes) && sizes.every((k) => Number.isInteger(k) && k > 0) ? sizes : null;
  } catch {
    return null;
  }
}
