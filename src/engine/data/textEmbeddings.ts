/**
 * Embedding rows written as text: JSONL (an array per line, or an object with an id
 * and a vector) and CSV (numeric rows, optional header, optional id column).
 * Rows go into a growing Float32Array, so memory is the matrix plus a little slack.
 */
import { DataError } from './types';
import { readDelimited } from './delimited';
import { readJsonLines } from './jsonLines';

export interface TextRows {
  rows: number;
  dim: number;
  data: Float32Array;
  ids: string[] | null;
  /** Lines of rows holding NaN or ±Infinity: their count and the first few. */
  badRows: number;
  badLines: number[];
}

const VECTOR_KEYS = ['embedding', 'vector', 'emb'] as const;
const MAX_EXAMPLES = 5;

/** Collects rows of one dimension, checking each as it arrives. */
class RowCollector {
  private data = new Float32Array(1024);
  private rows = 0;
  private dim: number | null;
  private firstLine = 0;
  private ids: string[] | null = null;
  private idLines = new Map<string, number>();
  private badRows = 0;
  private badLines: number[] = [];

  constructor(
    private readonly file: string,
    private readonly expectedDim: number | null,
  ) {
    this.dim = expectedDim;
  }

  add(values: ArrayLike<number>, line: number, id: string | null): void {
    if (this.rows === 0) {
      this.ids = id === null ? null : [];
      this.firstLine = line;
    } else if ((id === null) !== (this.ids === null)) {
      throw new DataError(this.file, line, id === null ? 'this row has no id but earlier rows do' : 'this row has an id but earlier rows do not');
    }
    if (this.dim === null) this.dim = values.length;
    if (values.length !== this.dim) {
      const reference =
        this.expectedDim !== null ? 'data.embedding_dim' : `the first row (line ${this.firstLine})`;
      throw new DataError(this.file, line, `row has ${values.length} values, but ${reference} has ${this.dim}`);
    }
    if (id !== null && this.ids !== null) {
      const earlier = this.idLines.get(id);
      if (earlier !== undefined) throw new DataError(this.file, line, `duplicate id '${id}' (also on line ${earlier})`);
      this.idLines.set(id, line);
      this.ids.push(id);
    }
    const offset = this.rows * this.dim;
    this.ensureCapacity(offset + this.dim);
    let finite = true;
    for (let k = 0; k < this.dim; k++) {
      const v = values[k];
      if (!Number.isFinite(v)) finite = false;
      this.data[offset + k] = v;
    }
    if (!finite) {
      this.badRows += 1;
      if (this.badLines.length < MAX_EXAMPLES) this.badLines.push(line);
    }
    this.rows += 1;
  }

  finish(): TextRows {
    if (this.rows === 0 || this.dim === null) throw new DataError(this.file, 0, 'no embedding rows found');
    const used = this.rows * this.dim;
    // Copy out when the slack is large, so the caller does not keep up to 2x the matrix.
    const data = used === this.data.length ? this.data : this.data.slice(0, used);
    return { rows: this.rows, dim: this.dim, data, ids: this.ids, badRows: this.badRows, badLines: this.badLines };
  }

  private ensureCapacity(size: number): void {
    if (size <= this.data.length) return;
    let capacity = this.data.length;
    while (capacity < size) capacity *= 2;
    const grown = new Float32Array(capacity);
    grown.set(this.data.subarray(0, this.rows * (this.dim ?? 0)));
    this.data = grown;
  }
}

export async function readJsonlRows(file: string, dim: number | null): Promise<TextRows> {
  const rows = new RowCollector(file, dim);
  for await (const { value, lineNo } of readJsonLines(file)) {
    let id: string | null = null;
    let vector: unknown = value;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const key = VECTOR_KEYS.find((k) => k in record);
      if (key === undefined) throw new DataError(file, lineNo, `no vector: expected a key "embedding", "vector" or "emb"`);
      vector = record[key];
      if ('id' in record) id = idString(file, lineNo, record.id);
    }
    rows.add(numberArray(file, lineNo, vector), lineNo, id);
  }
  return rows.finish();
}

export async function readCsvRows(file: string, dim: number | null): Promise<TextRows> {
  const rows = new RowCollector(file, dim);
  let hasId: boolean | null = null;
  let headerNamesId = false;
  let first = true;
  for await (const { fields, line } of readDelimited(file, 'csv')) {
    if (first) {
      first = false;
      // A header is a first row whose value columns are not numbers.
      if (fields.slice(1).some((cell) => parseNumberCell(cell) === null) || fields.length === 1 && parseNumberCell(fields[0]) === null) {
        headerNamesId = /(id|item|asin|key)$/i.test(fields[0].trim());
        continue;
      }
    }
    if (hasId === null) hasId = headerNamesId || parseNumberCell(fields[0]) === null;
    const cells = hasId ? fields.slice(1) : fields;
    const values = new Float64Array(cells.length);
    for (let k = 0; k < cells.length; k++) {
      const value = parseNumberCell(cells[k]);
      if (value === null) {
        throw new DataError(file, line, `column ${k + (hasId ? 2 : 1)}: '${cells[k]}' is not a number`);
      }
      values[k] = value;
    }
    rows.add(values, line, hasId ? fields[0].trim() : null);
  }
  return rows.finish();
}

/** A number in a text cell, including NaN/Inf spellings (so they are reported as bad rows); null if not numeric. */
function parseNumberCell(cell: string): number | null {
  const text = cell.trim();
  if (text === '') return null;
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(text);
  if (special) return special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}

function numberArray(file: string, line: number, vector: unknown): number[] {
  if (!Array.isArray(vector)) throw new DataError(file, line, 'expected an array of numbers');
  for (let k = 0; k < vector.length; k++) {
    if (typeof vector[k] !== 'number') {
      throw new DataError(file, line, `value ${k + 1} is ${JSON.stringify(vector[k])}, not a number`);
    }
  }
  return vector as number[];
}

function idString(file: string, line: number, id: unknown): string {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  throw new DataError(file, line, `"id" must be a string or a number, found ${JSON.stringify(id)}`);
}
