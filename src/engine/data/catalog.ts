/**
 * Loads the item catalog: `.jsonl`, `.json` (object keyed by id, or array of records),
 * `.csv` / `.tsv` with a header row, and RecBole `.text` (TSV, `name:type` headers).
 * Field values pass through exactly as read; only the id is turned into a string.
 */
import { extname } from 'node:path';
import { DataError, type Catalog, type CatalogItem } from './types';
import { readJsonEntries } from './jsonEntries';
import { readDelimited, type Dialect } from './delimited';
import { readJsonLines } from './jsonLines';
import { fieldName } from './recboleHeader';

export async function loadCatalog(file: string, idField: string): Promise<Catalog> {
  const builder = new CatalogBuilder(file, idField);
  const ext = extname(file).toLowerCase();
  switch (ext) {
    case '.jsonl':
      await readJsonl(file, builder);
      break;
    case '.json':
      await readJson(file, builder);
      break;
    case '.csv':
    case '.tsv':
    case '.text':
      await readTable(file, ext === '.csv' ? 'csv' : 'tsv', idField, builder);
      break;
    default:
      throw new DataError(file, 0, `unsupported catalog format '${ext}' (expected .jsonl, .json, .csv, .tsv or RecBole .text)`);
  }
  return builder.finish();
}

/** Adds items in file order and rejects duplicate ids, naming both lines. */
class CatalogBuilder {
  private readonly items: CatalogItem[] = [];
  private readonly indexById = new Map<string, number>();
  private readonly lines: number[] = [];

  constructor(
    readonly file: string,
    readonly idField: string,
  ) {}

  add(id: string, fields: Record<string, unknown>, line: number): void {
    const earlier = this.indexById.get(id);
    if (earlier !== undefined) {
      throw new DataError(this.file, line, `duplicate id '${id}' (first on line ${this.lines[earlier]})`);
    }
    this.indexById.set(id, this.items.length);
    this.items.push({ id, fields });
    this.lines.push(line);
  }

  /** The id of a JSON record, from its id field. */
  idOf(record: Record<string, unknown>, line: number): string {
    if (!(this.idField in record)) throw new DataError(this.file, line, `missing id field '${this.idField}'`);
    return idString(this.file, line, this.idField, record[this.idField]);
  }

  finish(): Catalog {
    if (this.items.length === 0) throw new DataError(this.file, 0, 'the catalog has no items');
    return { items: this.items, indexById: this.indexById, source: this.file };
  }
}

async function readJsonl(file: string, builder: CatalogBuilder): Promise<void> {
  for await (const { value, lineNo } of readJsonLines(file)) {
    const record = asRecord(file, lineNo, value);
    builder.add(builder.idOf(record, lineNo), record, lineNo);
  }
}

async function readJson(file: string, builder: CatalogBuilder): Promise<void> {
  for await (const { key, value, line } of readJsonEntries(file)) {
    const record = asRecord(file, line, value);
    // A keyed object takes the id from the key; an array's records carry it.
    builder.add(key ?? builder.idOf(record, line), record, line);
  }
}

async function readTable(file: string, dialect: Dialect, idField: string, builder: CatalogBuilder): Promise<void> {
  let names: string[] | null = null;
  let idColumn = -1;
  for await (const { fields, line } of readDelimited(file, dialect)) {
    if (names === null) {
      names = fields.map(fieldName);
      idColumn = names.indexOf(fieldName(idField));
      if (idColumn < 0) {
        throw new DataError(file, line, `missing id field '${idField}': the header has ${names.map((n) => `'${n}'`).join(', ')}`);
      }
      continue;
    }
    if (fields.length !== names.length) {
      throw new DataError(file, line, `row has ${fields.length} columns, but the header has ${names.length}`);
    }
    const record: Record<string, unknown> = {};
    for (let k = 0; k < names.length; k++) record[names[k]] = fields[k];
    const id = fields[idColumn].trim();
    if (id === '') throw new DataError(file, line, `empty id in column '${names[idColumn]}'`);
    builder.add(id, record, line);
  }
}

function asRecord(file: string, line: number, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DataError(file, line, `expected a JSON object (an item record), found ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function idString(file: string, line: number, idField: string, id: unknown): string {
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  throw new DataError(file, line, `id field '${idField}' must be a non-empty string or a number, found ${describe(id)}`);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
