import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRunConfig } from '../../config';
import { loadCatalog } from '../../data/catalog';
import { readSemanticIds } from '../../ids/semanticIdsFile';
import { readSummary } from '../../run/runDirectory';
import { RUN_FILES } from '../../../protocol/runLayout';
import { liveStatusOf } from '../../run/liveness';
import { readMetricsSeries } from '../../run/metricsSeries';
import { InspectError, buildInspectIndex, catalogFields, catalogTitles, inspectItem, inspectPrefix, formatItemReport, formatPrefixReport } from '../../diagnostics/inspect';
import { parseCommand } from '../parse';
import { runDirectory } from '../userPaths';
import { EXIT, UsageError } from '../usage';

export async function inspectCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'inspect',
    args,
    { prefix: { type: 'string' }, item: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } },
    ['run-dir'],
  );
  if ((values.prefix === undefined) === (values.item === undefined)) throw new UsageError('give exactly one of --prefix and --item', 'inspect');
  const limit = values.limit !== undefined ? Number(values.limit) : undefined;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit must be a positive integer', 'inspect');
  const runDir = runDirectory(positionals[0], 'run directory', ['config']);
  const state = runStateNote(runDir);
  const idsFile = path.join(runDir, RUN_FILES.semanticIds);
  if (state !== null) {
    if (!fs.existsSync(idsFile)) throw new InspectError(`${state}; it has no semantic IDs yet`);
    process.stderr.write(`warning: ${state}\n`);
  }
  const sids = await readSemanticIds(idsFile);
  const config = await loadRunConfig(runDir);
  let titles: (string | null)[] | undefined;
  let fields: (Record<string, unknown> | null)[] | undefined;
  let problem: string | null = null;
  try {
    const catalog = await loadCatalog(config.data.items, config.data.id_field);
    titles = catalogTitles(sids.ids, catalog);
    fields = catalogFields(sids.ids, catalog);
  } catch (e) {
    problem = (e as Error).message;
    process.stderr.write(`warning: no titles (${problem})\n`);
  }
  const index = buildInspectIndex(sids, titles, config.model.codebook_size, { fields, problem });
  const width = process.stdout.columns ?? 120;
  const report = values.prefix !== undefined ? inspectPrefix(index, values.prefix, { limit }) : inspectItem(index, values.item as string, { limit });
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(report.kind === 'prefix' ? formatPrefixReport(report, { width }) : formatItemReport(report, { width }));
  return EXIT.completed;
}

/**
 * One line on a run that is not completed (null when it is, or has no summary): its
 * status as every reader shows it (a dead `running` run is `interrupted`), the last
 * step it trained and the checkpoint a resume continues from.
 */
function runStateNote(runDir: string): string | null {
  let summary;
  try {
    summary = readSummary(runDir);
  } catch {
    return null;
  }
  const { status, reason } = liveStatusOf(runDir, summary);
  if (status === 'completed') return null;
  const series = readMetricsSeries(runDir);
  const lastStep = series.filter((e) => e.type === 'losses').at(-1)?.step ?? 0;
  const checkpoint = series.filter((e) => e.type === 'checkpoint').at(-1)?.step;
  const where = status === 'interrupted' ? (checkpoint !== undefined ? `resumable from its checkpoint at step ${checkpoint}` : 'no checkpoint yet: a resume starts over') : null;
  return [`run ${runDir} is ${status}${reason ? ` (${reason})` : ''} after step ${lastStep}`, where].filter((x) => x !== null).join(', ');
}
