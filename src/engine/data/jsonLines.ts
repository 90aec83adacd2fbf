/**
 * JSON Lines: one value per non-blank line, parsed as it streams by; a line that is not
 * JSON is a DataError naming the file and line.
 */
import { parseLenientJson } from './lenientJson';
import { readLines } from './lineReader';
import { DataError } from './types';

export interface JsonLine {
  value: unknown;
  /** 1-based line number in the file. */
  lineNo: number;
}

export async function* readJsonLines(file: string): AsyncGenerator<JsonLine> {
  for await (const { text, lineNo } of readLines(file)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = parseLenientJson(text);
    } catch (error) {
      throw new DataError(file, lineNo, `invalid JSON: ${(error as Error).message}`);
    }
    yield { value, lineNo };
  }
}
