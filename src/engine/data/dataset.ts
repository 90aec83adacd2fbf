/**
 * Loads everything an experiment's `data` section names, with embeddings re-ordered
 * so that row i belongs to catalog item i.
 */
import type { ExperimentConfig } from '../config/experiment';
import { DataError, type Catalog, type Dataset, type EmbeddingMatrix, type UserSequences } from './types';
import { loadCatalog } from './catalog';
import { loadItemIndex } from './itemIndex';
import { loadEmbeddings, type LoadedEmbeddings } from './embeddings';
import { loadInteractions } from './interactions';
import { Cancellation } from '../util/cancellation';

const MAX_EXAMPLES = 5;

/** `cancel` is checked between files: a stop request ends loading with RunStopped. */
export async function loadDataset(data: ExperimentConfig['data'], cancel: Cancellation = Cancellation.none): Promise<Dataset> {
  const warnings: string[] = [];
  const catalog = await loadCatalog(data.items, data.id_field);
  await cancel.check();
  const itemIndex = data.item_index === null ? null : await loadItemIndex(data.item_index);
  await cancel.check();

  let embeddings: EmbeddingMatrix | null = null;
  if (data.embeddings !== null) {
    const expectedRows =
      itemIndex !== null
        ? { rows: largestRow(itemIndex) + 1, from: `data.item_index (${data.item_index}, rows up to ${largestRow(itemIndex)})` }
        : { rows: catalog.items.length, from: `the catalog (${data.items}, ${catalog.items.length} items, row i = item i)` };
    const loaded = await loadEmbeddings(data.embeddings, { dim: data.embedding_dim, expectedRows });
    embeddings = alignEmbeddings(data.embeddings, loaded, catalog, itemIndex, data.item_index, warnings);
    await cancel.check();
  }

  let interactions: UserSequences | null = null;
  if (data.interactions !== null) {
    const loaded = await loadInteractions(data.interactions, catalog, itemIndex);
    interactions = loaded.sequences;
    warnings.push(...loaded.warnings);
  }
  return { catalog, embeddings, interactions, warnings };
}

function largestRow(itemIndex: Map<string, number>): number {
  let max = -1;
  for (const row of itemIndex.values()) if (row > max) max = row;
  return max;
}

/**
 * Row of catalog item i: item_index[id] when there is an item index; else the row
 * with the same id when the file carries ids; else row i (then the counts must match).
 */
export function alignEmbeddings(
  file: string,
  loaded: LoadedEmbeddings,
  catalog: Catalog,
  itemIndex: Map<string, number> | null,
  itemIndexFile: string | null,
  warnings: string[],
): EmbeddingMatrix {
  const { rows, dim, data } = loaded;
  const n = catalog.items.length;
  let rowOf: (id: string) => number | undefined;
  if (itemIndex !== null) {
    rowOf = (id) => itemIndex.get(id);
  } else if (loaded.ids !== null) {
    const rowById = new Map<string, number>();
    loaded.ids.forEach((id, row) => rowById.set(id, row));
    rowOf = (id) => rowById.get(id);
    const unused = loaded.ids.filter((id) => !catalog.indexById.has(id)).length;
    if (unused > 0) warnings.push(`${file}: ${unused} embedding row(s) have ids not in the catalog and were ignored`);
  } else {
    if (rows !== n) {
      throw new DataError(
        file,
        0,
        `${rows} embedding rows but ${n} catalog items; without ids or data.item_index, row i must be catalog item i`,
      );
    }
    return { rows, dim, data };
  }

  const rowIndex = new Int32Array(n);
  const missing: string[] = [];
  let missingCount = 0;
  let identity = rows === n;
  for (let i = 0; i < n; i++) {
    const id = catalog.items[i].id;
    const row = rowOf(id);
    if (row === undefined || row >= rows) {
      missingCount += 1;
      if (missing.length < MAX_EXAMPLES) missing.push(row === undefined ? `'${id}'` : `'${id}' (row ${row})`);
      continue;
    }
    rowIndex[i] = row;
    if (row !== i) identity = false;
  }
  if (missingCount > 0) {
    const how = itemIndex !== null ? `no row in ${itemIndexFile ?? 'the item index'} within the ${rows} rows` : 'no row with their id';
    throw new DataError(file, 0, `${missingCount} catalog item(s) have no embedding: ${how} (e.g. ${missing.join(', ')})`);
  }
  // Already in catalog order: keep the loaded array instead of copying it.
  if (identity) return { rows, dim, data };
  const aligned = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const from = rowIndex[i] * dim;
    aligned.set(data.subarray(from, from + dim), i * dim);
  }
  return { rows: n, dim, data: aligned };
}
