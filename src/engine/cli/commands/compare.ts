import * as path from 'node:path';
import type { EvalModelName } from '../../../protocol';
import { compareRuns, formatComparison } from '../../eval/compareRuns';
import { parseCommand } from '../parse';
import { EXIT, UsageError } from '../usage';

const MODELS: EvalModelName[] = ['retriever', 'sasrec', 'popularity'];

/** `semid compare <run-a> <run-b> [--model M] [--model-b M] [--split valid|test] [--json]`. */
export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'compare',
    args,
    { model: { type: 'string' }, 'model-b': { type: 'string' }, split: { type: 'string' }, json: { type: 'boolean' }, samples: { type: 'string' } },
    ['run-a', 'run-b'],
  );
  const model = (name: string | undefined, flag: string): EvalModelName | undefined => {
    if (name === undefined) return undefined;
    if (!MODELS.includes(name as EvalModelName)) throw new UsageError(`${flag} must be one of ${MODELS.join(', ')}, got '${name}'`);
    return name as EvalModelName;
  };
  const split = values.split ?? 'test';
  if (split !== 'valid' && split !== 'test') throw new UsageError(`--split must be valid or test, got '${split}'`);
  const samples = values.samples !== undefined ? Number(values.samples) : undefined;
  if (samples !== undefined && !(Number.isInteger(samples) && samples >= 100)) throw new UsageError('--samples must be an integer >= 100');
  const comparison = compareRuns(path.resolve(positionals[0]), path.resolve(positionals[1]), {
    modelA: model(values.model, '--model'),
    modelB: model(values['model-b'], '--model-b'),
    split,
    samples,
  });
  process.stdout.write(values.json ? JSON.stringify(comparison, null, 2) + '\n' : formatComparison(comparison));
  return EXIT.completed;
}
