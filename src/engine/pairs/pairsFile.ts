/**
 * The mined pairs in the run directory: `pairs.tsv` (one kept pair a line, catalog
 * ids, so a user can inspect the collaborative signal) and `pairs.json` (the counts
 * and the score histogram, as in the `pairs` event).
 * Written in chunks, so millions of pairs never become one string (V8 caps a string
 * at 512 MiB), and atomically: a temp file renamed over the target.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { MinedPairs } from './minePairs';
import { PAIRS_TSV_HEADER, RUN_FILES, type PairsEvent } from '../../protocol';

export { PAIRS_TSV_HEADER };
export const PAIRS_TSV = RUN_FILES.pairs;
export const PAIRS_JSON = RUN_FILES.pairsSummary;

/** pairs.json: the `pairs` event's statistics, the same fields under the same names. */
export type PairsFileSummary = Omit<PairsEvent, 'type' | 'time' | 'step'>;

const CHUNK_CHARS = 1 << 20;

/** Writes `pairs.tsv` and `pairs.json` into `dir` (which must exist). */
export async function writePairs(dir: string, mined: MinedPairs, itemIds: readonly string[]): Promise<void> {
  await writeAtomic(path.join(dir, PAIRS_TSV), async (file) => {
    let chunk = PAIRS_TSV_HEADER + '\n';
    for (let i = 0; i < mined.kept; i++) {
      const a = idOf(itemIds, mined.a[i]);
      const b = idOf(itemIds, mined.b[i]);
      chunk += `${a}\t${b}\t${mined.k11[i]}\t${mined.score[i]}\n`;
      if (chunk.length >= CHUNK_CHARS) {
        await writeAll(file, chunk);
        chunk = '';
      }
    }
    if (chunk.length > 0) await writeAll(file, chunk);
  });
  const summary: PairsFileSummary = {
    criterion: mined.criterion,
    threshold: Number.isFinite(mined.threshold) ? mined.threshold : null,
    contexts: mined.contexts,
    candidates: mined.candidates,
    kept: mined.kept,
    histogram: mined.histogram,
  };
  await writeAtomic(path.join(dir, PAIRS_JSON), (file) => writeAll(file, JSON.stringify(summary, null, 2) + '\n'));
}

/** A catalog id made safe for one TSV field (tab, newline, CR and backslash escaped as \t \n \r \\). */
function idOf(itemIds: readonly string[], index: number): string {
  const id = itemIds[index];
  if (id === undefined) throw new RangeError(`pair item ${index} has no catalog id (${itemIds.length} ids)`);
  return /[\t\n\r\\]/.test(id) ? id.replace(/[\t\n\r\\]/g, escapeChar) : id;
}

function escapeChar(c: string): string {
  return c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\';
}

/** FileHandle.write may write less than asked: loop until every byte is out. */
async function writeAll(file: fs.FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

async function writeAtomic(target: string, write: (file: fs.FileHandle) => Promise<void>): Promise<void> {
  const temp = `${target}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`;
  const file = await fs.open(temp, 'w');
  try {
    await write(file);
    await file.sync();
  } catch (err) {
    await file.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await file.close();
  await fs.rename(temp, target);
}
