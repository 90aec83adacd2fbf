/**
 * Records of delimited text files: CSV with RFC 4180 quoting (a quoted field may hold
 * the delimiter, `""` for a quote, and line breaks), and TSV, which has no quoting
 * (RecBole files, and tabs cannot occur inside a TSV field anyway).
 */
import { DataError } from './types';
import { readLines } from './lineReader';

export interface DelimitedRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

export type Dialect = 'csv' | 'tsv';

/** Yields the non-blank records of `file`. */
export async function* readDelimited(file: string, dialect: Dialect): AsyncGenerator<DelimitedRecord> {
  if (dialect === 'tsv') {
    for await (const { text, lineNo } of readLines(file)) {
      if (text.trim() === '') continue;
      yield { fields: text.split('\t'), line: lineNo };
    }
    return;
  }
  let open: CsvState | null = null;
  let startLine = 0;
  for await (const { text, lineNo } of readLines(file)) {
    if (open === null) {
      if (text.trim() === '') continue;
      startLine = lineNo;
    }
    open = parseCsvLine(text, open);
    if (!open.inQuotes) {
      yield { fields: open.fields, line: startLine };
      open = null;
    }
  }
  if (open !== null) throw new DataError(file, startLine, 'unterminated quoted field (a " is never closed)');
}

interface CsvState {
  fields: string[];
  /** The field being read; continues on the next line when inQuotes. */
  current: string;
  inQuotes: boolean;
}

/**
 * Parses one physical line, continuing `state` when the previous line ended inside
 * quotes (the line break then belongs to the field).
 */
function parseCsvLine(text: string, state: CsvState | null): CsvState {
  if (state === null && !text.includes('"')) return { fields: text.split(','), current: '', inQuotes: false };
  const fields = state?.fields ?? [];
  let current = state ? state.current + '\n' : '';
  let inQuotes = state?.inQuotes ?? false;
  let fieldStart = state === null; // a quote only opens a field at its start
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          current += '"';
          i += 1;
        } else {
          inQuotes = false;
        }
      } else {
        current += ch;
      }
      continue;
    }
    if (ch === ',') {
      fields.push(current);
      current = '';
      fieldStart = true;
      continue;
    }
    if (ch === '"' && fieldStart) {
      inQuotes = true;
      fieldStart = false;
      continue;
    }
    // Text after a closing quote, or a stray quote mid-field, is kept as is (lenient).
    current += ch;
    fieldStart = false;
  }
  if (inQuotes) return { fields, current, inQuotes };
  fields.push(current);
  return { fields, current: '', inQuotes: false };
}
