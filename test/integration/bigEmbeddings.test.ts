/**
 * Files larger than V8's 512 MiB string cap load through the chunked readers.
 * Size: two temp files of ~513 MiB each (written, read, deleted); about 10-30 s
 * and ~0.7 GiB of memory (the 513 MiB matrix).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEmbeddings } from '../../src/engine/data/embeddings';
import { readLines } from '../../src/engine/data/lineReader';

const STRING_CAP = 512 * 1024 * 1024;
const DIM = 1024;
const ROWS = 131_200; // 131,200 x 1,024 x 4 bytes = 537,395,200 bytes > 512 MiB
const ROWS_PER_CHUNK = 4096;

const dir = mkdtempSync(path.join(tmpdir(), 'semid-big-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The value written at (row, col): distinct per row, exact once rounded to float32. */
function pattern(row: number, col: number): number {
  return Math.fround(((row * 131 + col * 7) % 100_003) / 1024 - 48);
}

function npyHeader(rows: number, dim: number): Buffer {
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 11, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1')]);
}

describe('large files (> 512 MiB)', () => {
  it('loadEmbeddings reads a float32 .npy larger than 512 MiB', async () => {
    const file = path.join(dir, 'big.npy');
    try {
      const fd = openSync(file, 'w');
      try {
        writeSync(fd, npyHeader(ROWS, DIM));
        const chunk = new Float32Array(ROWS_PER_CHUNK * DIM);
        for (let start = 0; start < ROWS; start += ROWS_PER_CHUNK) {
          const count = Math.min(ROWS_PER_CHUNK, ROWS - start);
          for (let r = 0; r < count; r++) {
            for (let c = 0; c < DIM; c++) chunk[r * DIM + c] = pattern(start + r, c);
          }
          writeSync(fd, new Uint8Array(chunk.buffer, 0, count * DIM * 4));
        }
      } finally {
        closeSync(fd);
      }
      assert.ok(statSync(file).size > STRING_CAP);

      const m = await loadEmbeddings(file, { dim: DIM });
      assert.equal(m.rows, ROWS);
      assert.equal(m.dim, DIM);
      assert.equal(m.ids, null);
      assert.equal(m.data.length, ROWS * DIM);
      // First and last rows, rows around the reader's 64 MiB chunk edges, and a spread of others.
      const sample = [0, 1, 16_383, 16_384, 16_385, 65_535, 65_536, ROWS - 2, ROWS - 1];
      for (let k = 0; k < 40; k++) sample.push((k * 7_919 + 13) % ROWS);
      for (const row of sample) {
        for (const col of [0, 1, 511, 512, DIM - 1, (row * 31) % DIM]) {
          assert.equal(m.data[row * DIM + col], pattern(row, col), `row ${row}, col ${col}`);
        }
      }
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('readLines streams a text file larger than 512 MiB, line by line', async () => {
    const file = path.join(dir, 'big.txt');
    const lineLength = 1 << 20; // 1 MiB lines: each spans chunk boundaries
    const lineCount = 513;
    try {
      const fd = openSync(file, 'w');
      try {
        for (let i = 0; i < lineCount; i++) {
          const fill = String.fromCharCode(97 + (i % 26));
          // A numbered head so each line is checkable; \r\n on odd lines.
          const head = `${i + 1}:`;
          writeSync(fd, head + fill.repeat(lineLength - head.length) + (i % 2 ? '\r\n' : '\n'));
        }
      } finally {
        closeSync(fd);
      }
      assert.ok(statSync(file).size > STRING_CAP);

      let seen = 0;
      for await (const { text, lineNo } of readLines(file)) {
        seen += 1;
        assert.equal(lineNo, seen);
        assert.equal(text.length, lineLength, `line ${lineNo}`);
        assert.ok(text.startsWith(`${lineNo}:`));
        assert.equal(text[text.length - 1], String.fromCharCode(97 + ((lineNo - 1) % 26)));
      }
      assert.equal(seen, lineCount);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
