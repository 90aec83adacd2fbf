import * as path from 'node:path';
import { exportRun, EXPORT_FORMAT_VERSION } from '../../export/exportRun';
import { parseCommand } from '../parse';
import { EXIT, UsageError } from '../usage';

/**
 * `semid export <run-dir> [--format onnx] [--out DIR]`: the run's tokenizer as an ONNX
 * graph (embeddings -> codes) and tokenizer.json; prints the folder. Default folder:
 * <run-dir>/export.
 */
export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('export', args, { format: { type: 'string', default: 'onnx' }, out: { type: 'string' } }, ['run-dir']);
  if (values.format !== 'onnx') throw new UsageError(`--format ${values.format}: only onnx is supported`);
  const runDir = path.resolve(String(positionals[0]));
  const outDir = path.resolve(values.out ?? path.join(runDir, 'export'));
  const result = await exportRun(runDir, outDir, EXPORT_FORMAT_VERSION);
  const s = result.sidecar;
  process.stderr.write(
    `exported ${s.levels} levels (${s.codebookSizes.join(' x ')} codes) for ${s.inputDim}-dim ${s.features.method === 'embeddings' ? 'embeddings' : 'tf-idf features'}: ${result.files.join(', ')}\n`,
  );
  process.stdout.write(`${result.outDir}\n`);
  return EXIT.completed;
}
