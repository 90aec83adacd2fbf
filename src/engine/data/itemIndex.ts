/**
 * RecBole `.item2index`: `catalog id<TAB>index` per line (no header in RecBole's own
 * files; a header line is tolerated). The index is the embedding row and the id that
 * `.inter` files use.
 */
import { DataError } from './types';
import { readLines } from './lineReader';

/** Catalog id -> index, with ids and indices each unique. */
export async function loadItemIndex(file: string): Promise<Map<string, number>> {
  const indexById = new Map<string, number>();
  const lineOfId = new Map<string, number>();
  const lineOfIndex = new Map<number, number>();
  let first = true;
  for await (const { text, lineNo } of readLines(file)) {
    if (text.trim() === '') continue;
    const cells = (text.includes('\t') ? text.split('\t') : text.trim().split(/\s+/)).map((c) => c.trim());
    if (cells.length !== 2) {
      throw new DataError(file, lineNo, `expected 2 columns (id, index), found ${cells.length}`);
    }
    const [id, indexText] = cells;
    const isFirst = first;
    first = false;
    if (!/^\d+$/.test(indexText)) {
      if (isFirst && looksLikeHeader(indexText)) continue;
      throw new DataError(file, lineNo, `index '${indexText}' is not a non-negative integer`);
    }
    const index = Number(indexText);
    if (!Number.isSafeInteger(index)) throw new DataError(file, lineNo, `index '${indexText}' is too large`);
    if (id === '') throw new DataError(file, lineNo, 'empty id');
    const idLine = lineOfId.get(id);
    if (idLine !== undefined) throw new DataError(file, lineNo, `duplicate id '${id}' (also on line ${idLine})`);
    const indexLine = lineOfIndex.get(index);
    if (indexLine !== undefined) {
      throw new DataError(file, lineNo, `duplicate index ${index} (also on line ${indexLine})`);
    }
    lineOfId.set(id, lineNo);
    lineOfIndex.set(index, lineNo);
    indexById.set(id, index);
  }
  if (indexById.size === 0) throw new DataError(file, 0, 'the item index is empty');
  return indexById;
}

/** index -> catalog id (for `.inter` files, whose items are indices). */
export function invertItemIndex(indexById: Map<string, number>): Map<number, string> {
  const idByIndex = new Map<number, string>();
  for (const [id, index] of indexById) idByIndex.set(index, id);
  return idByIndex;
}

/** A header cell is a name such as `index` or `index:token`, never a number. */
function looksLikeHeader(cell: string): boolean {
  return /^[A-Za-z_][\w]*(:\w+)?$/.test(cell);
}
