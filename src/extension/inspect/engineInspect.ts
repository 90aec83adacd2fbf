/**
 * Inspect through the engine, like every other engine job: `semid inspect <run> --json`
 * in a child process (the bundled CLI under VS Code's Node, or `semid.engine.nodePath`),
 * so the extension host never loads a catalog or the ID index. No vscode import.
 */
import { execFile } from 'node:child_process';
import { EXIT, type InspectReport, type ItemReport, type PrefixReport } from '../../protocol';

export interface EngineCommand {
  /** dist/cli.js */
  cliPath: string;
  /** Node to run it; undefined: VS Code's own (as plain Node). */
  nodePath: string | undefined;
}

/** The engine refused the query (exit 2: unknown item, a code beyond the codebook, not a run): its own words. */
export class InspectRefused extends Error {}

const MAX_OUTPUT = 256 * 1024 * 1024;

function runInspect(engine: EngineCommand, runDir: string, query: string[]): Promise<InspectReport> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!engine.nodePath) env.ELECTRON_RUN_AS_NODE = '1';
  return new Promise((resolve, reject) => {
    execFile(
      engine.nodePath ?? process.execPath,
      [engine.cliPath, 'inspect', runDir, ...query, '--json'],
      { env, maxBuffer: MAX_OUTPUT, windowsHide: true },
      (err, stdout, stderr) => {
        const said = stderr
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '' && !l.startsWith('warning:'))
          .join('\n');
        if (err) {
          const code = typeof err.code === 'number' ? err.code : null;
          if (code === EXIT.invalid) reject(new InspectRefused(said.replace(/^semid: /, '') || 'the engine refused the query'));
          else reject(new Error(`semid inspect failed${code !== null ? ` (exit code ${code})` : ''}: ${said || err.message}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as InspectReport);
        } catch (e) {
          reject(new Error(`semid inspect printed no report: ${e instanceof Error ? e.message : String(e)}`));
        }
      },
    );
  });
}

export async function inspectPrefixInEngine(engine: EngineCommand, runDir: string, prefix: string, limit: number): Promise<PrefixReport> {
  const report = await runInspect(engine, runDir, ['--prefix', prefix, '--limit', String(limit)]);
  if (report.kind !== 'prefix') throw new Error('semid inspect --prefix answered with an item report');
  return report;
}

export async function inspectItemInEngine(engine: EngineCommand, runDir: string, itemId: string): Promise<ItemReport> {
  const report = await runInspect(engine, runDir, ['--item', itemId]);
  if (report.kind !== 'item') throw new Error('semid inspect --item answered with a prefix report');
  return report;
}
