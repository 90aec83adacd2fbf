/**
 * Line-by-line reading of text files of any size: the file is read in fixed-size
 * chunks, so no string ever holds more than one line (V8 caps strings at 512 MiB).
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export interface NumberedLine {
  /** The line without its terminator (`\n` or `\r\n`). */
  text: string;
  /** 1-based line number in the file. */
  lineNo: number;
}

export interface LineReaderOptions {
  /** Bytes read per system call; the default suits both small and huge files. */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 1 << 20;

/** Yields every line of `file`, including empty ones; a final line without `\n` counts. */
export async function* readLines(
  file: string,
  options: LineReaderOptions = {},
): AsyncGenerator<NumberedLine> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const handle = await open(file, 'r');
  try {
    // The decoder keeps a multi-byte character that straddles two chunks intact.
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.allocUnsafe(chunkBytes);
    // Pieces of a line that spans chunks; joined once the line ends.
    let pending: string[] = [];
    let lineNo = 0;
    let first = true;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      let chunk = decoder.write(buffer.subarray(0, bytesRead));
      if (first && chunk.length > 0) {
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // UTF-8 byte-order mark
        first = false;
      }
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf('\n', start);
        if (nl < 0) break;
        let text = chunk.slice(start, nl);
        if (pending.length > 0) {
          pending.push(text);
          text = pending.join('');
          pending = [];
        }
        lineNo += 1;
        yield { text: stripCarriageReturn(text), lineNo };
        start = nl + 1;
      }
      if (start < chunk.length) pending.push(chunk.slice(start));
    }
    const rest = decoder.end();
    if (rest.length > 0) pending.push(rest);
    if (pending.length > 0) {
      lineNo += 1;
      yield { text: stripCarriageReturn(pending.join('')), lineNo };
    }
  } finally {
    await handle.close();
  }
}

function stripCarriageReturn(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
