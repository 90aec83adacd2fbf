import * as path from 'node:path';
import { loadExperiment } from '../../config';
import { loadCatalog } from '../../data/catalog';
import { readSemanticIds } from '../../ids/semanticIdsFile';
import { RUN_FILES } from '../../run/runDirectory';
import { buildInspectIndex, catalogTitles, inspectItem, inspectPrefix, formatItemReport, formatPrefixReport } from '../../diagnostics/inspect';
import { parseCommand } from '../parse';
import { EXIT, UsageError } from '../usage';

export async function inspectCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { prefix: { type: 'string' }, item: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } },
    ['run-dir'],
  );
  if ((values.prefix === undefined) === (values.item === undefined)) throw new UsageError('give exactly one of --prefix and --item');
  const limit = values.limit !== undefined ? Number(values.limit) : undefined;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit must be a positive integer');
  const runDir = path.resolve(positionals[0]);
  const sids = await readSemanticIds(path.join(runDir, RUN_FILES.semanticIds));
  const config = await loadExperiment(path.join(runDir, RUN_FILES.config), [], { checkFiles: false });
  let titles: (string | null)[] | undefined;
  try {
    titles = catalogTitles(sids.ids, await loadCatalog(config.data.items, config.data.id_field));
  } catch (e) {
    process.stderr.write(`warning: no titles (${(e as Error).message})\n`);
  }
  const index = buildInspectIndex(sids, titles);
  const width = process.stdout.columns ?? 120;
  const report = values.prefix !== undefined ? inspectPrefix(index, values.prefix, { limit }) : inspectItem(index, values.item as string, { limit });
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(report.kind === 'prefix' ? formatPrefixReport(report, { width }) : formatItemReport(report, { width }));
  return EXIT.completed;
}
