/**
 * Loads user interactions as catalog positions, split for evaluation: `.txt` and JSON
 * sequences get the TIGER leave-one-out split; RecBole `.inter` keeps its given split.
 * Items missing from the catalog are dropped with a warning, or refused when they
 * are the majority (then the file almost surely uses another id space).
 */
import { extname } from 'node:path';
import { DataError, type Catalog, type UserSequences } from './types';
import { readJsonSequences, readTextSequences, type RawSequence } from './rawSequences';
import { readRecboleInteractions, type RawSplit } from './recboleInter';
import { invertItemIndex } from './itemIndex';

export interface LoadedInteractions {
  sequences: UserSequences;
  warnings: string[];
  /** Interactions whose item was not in the catalog (dropped, with a warning), of all read. */
  unknownItems: number;
  totalItems: number;
}

const MAX_EXAMPLES = 5;

export async function loadInteractions(
  file: string,
  catalog: Catalog,
  itemIndex: Map<string, number> | null,
): Promise<LoadedInteractions> {
  const ext = extname(file).toLowerCase();
  if (ext === '.txt' || ext === '.json') {
    const raw = ext === '.txt' ? await readTextSequences(file) : await readJsonSequences(file);
    return leaveOneOut(file, raw, new ItemResolver(catalog, null));
  }
  if (ext === '.inter') {
    // RecBole interaction files name items by index whenever an item index exists.
    const resolver = new ItemResolver(catalog, itemIndex);
    const read = await readRecboleInteractions(file);
    if (read.kind === 'sequences') return leaveOneOut(read.source, read.users, resolver);
    return givenSplit(read.source, read.users, resolver, read.warnings);
  }
  throw new DataError(file, 0, `unsupported interactions format '${ext}' (expected .txt, .json or RecBole .inter)`);
}

/** Maps raw item tokens to catalog positions, counting the ones it cannot place. */
class ItemResolver {
  total = 0;
  missing = 0;
  readonly examples: string[] = [];
  private readonly idByIndex: Map<number, string> | null;

  constructor(
    private readonly catalog: Catalog,
    itemIndex: Map<string, number> | null,
  ) {
    this.idByIndex = itemIndex === null ? null : invertItemIndex(itemIndex);
  }

  get usesIndex(): boolean {
    return this.idByIndex !== null;
  }

  /** The catalog position of `token`, or -1 (counted) when there is none. */
  resolve(token: string): number {
    this.total += 1;
    const id = this.idByIndex === null ? token : this.idOfIndex(token);
    const position = id === undefined ? undefined : this.catalog.indexById.get(id);
    if (position !== undefined) return position;
    this.missing += 1;
    if (this.examples.length < MAX_EXAMPLES && !this.examples.includes(token)) this.examples.push(token);
    return -1;
  }

  private idOfIndex(token: string): string | undefined {
    return /^\d+$/.test(token) ? this.idByIndex?.get(Number(token)) : undefined;
  }

  /** A warning for dropped items; an error when most items are unknown. */
  report(file: string): string[] {
    if (this.missing === 0) return [];
    const what = this.usesIndex
      ? 'item indices not in the item index (or whose id is not in the catalog)'
      : 'item ids not in the catalog';
    const examples = this.examples.map((e) => `'${e}'`).join(', ');
    const counted = `${this.missing} of ${this.total} interactions name ${what} (e.g. ${examples})`;
    if (this.missing * 2 > this.total) {
      const hint = this.usesIndex
        ? 'is data.item_index the one these indices come from?'
        : 'do the ids use another id space than the catalog (check data.id_field, or whether the file holds indices and needs data.item_index)?';
      throw new DataError(file, 0, `${counted}: ${hint}`);
    }
    return [`${file}: ${counted}; they were dropped`];
  }
}

/** Collects per-user rows and packs them into UserSequences. */
class SequenceBuilder {
  readonly users: string[] = [];
  readonly train: Int32Array[] = [];
  private readonly valid: number[] = [];
  private readonly test: number[] = [];
  empty = 0;

  add(user: string, train: number[], valid: number, test: number): void {
    if (train.length === 0 && valid < 0 && test < 0) {
      this.empty += 1;
      return;
    }
    this.users.push(user);
    this.train.push(Int32Array.from(train));
    this.valid.push(valid);
    this.test.push(test);
  }

  finish(file: string, resolver: ItemResolver, warnings: string[]): LoadedInteractions {
    warnings.push(...resolver.report(file));
    if (this.empty > 0) warnings.push(`${file}: ${this.empty} user(s) with no known items were skipped`);
    if (this.users.length === 0) throw new DataError(file, 0, 'no user has any interaction with a catalog item');
    return {
      sequences: {
        users: this.users,
        train: this.train,
        valid: Int32Array.from(this.valid),
        test: Int32Array.from(this.test),
      },
      warnings,
      unknownItems: resolver.missing,
      totalItems: resolver.total,
    };
  }
}

/**
 * TIGER leave-one-out: last item test, second-to-last validation, the rest train.
 * Short sequences keep what fits, and a target always keeps at least one item of
 * history: 2 items -> train [a], test b, no validation; 1 item -> train only.
 */
function leaveOneOut(file: string, raw: RawSequence[], resolver: ItemResolver): LoadedInteractions {
  const builder = new SequenceBuilder();
  for (const { user, items } of raw) {
    const known: number[] = [];
    for (const token of items) {
      const position = resolver.resolve(token);
      if (position >= 0) known.push(position);
    }
    const n = known.length;
    if (n >= 3) builder.add(user, known.slice(0, n - 2), known[n - 2], known[n - 1]);
    else if (n === 2) builder.add(user, known.slice(0, 1), -1, known[1]);
    else builder.add(user, known, -1, -1);
  }
  return builder.finish(file, resolver, []);
}

/** RecBole's split as given; an unknown target item becomes -1. */
function givenSplit(file: string, raw: RawSplit[], resolver: ItemResolver, warnings: string[]): LoadedInteractions {
  const builder = new SequenceBuilder();
  for (const { user, train, valid, test } of raw) {
    const known: number[] = [];
    for (const token of train) {
      const position = resolver.resolve(token);
      if (position >= 0) known.push(position);
    }
    const v = valid === null ? -1 : resolver.resolve(valid);
    const t = test === null ? -1 : resolver.resolve(test);
    builder.add(user, known, v, t);
  }
  return builder.finish(file, resolver, [...warnings]);
}
