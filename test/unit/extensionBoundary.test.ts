/**
 * The thin-client rule (issue 11): the extension host imports from src/engine only the
 * experiment-file validator (src/engine/config); catalogs, IDs and inspection are the
 * engine process's business (src/protocol/runQuery.ts). Reads every import specifier
 * (static, type-only, re-exports, dynamic import(), require) with TypeScript's own
 * pre-processor and resolves it, so a new deep import fails here by name.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');
const engine = path.join(root, 'src', 'engine');
/** The validator's entry: the only engine module the extension may name. */
const ALLOWED = [path.join(engine, 'config', 'index.ts')];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative specifiers of `file`, resolved to files (`x` -> x.ts or x/index.ts); packages are skipped. */
function localImports(file: string): { specifier: string; target: string }[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((s) => s.startsWith('.'))
    .map((specifier) => {
      const base = path.resolve(path.dirname(file), specifier);
      const target = [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((c) => existsSync(c) && statSync(c).isFile());
      assert.ok(target, `${path.relative(root, file)}: cannot resolve ${specifier}`);
      return { specifier, target };
    });
}

const inEngine = (target: string) => target.startsWith(engine + path.sep);

describe('the extension is a thin client of the engine', () => {
  it('src/extension imports from src/engine only the experiment-file validator', () => {
    const files = sourceFiles(path.join(root, 'src', 'extension'));
    assert.ok(files.length > 30, 'the extension sources were found');
    const offending: string[] = [];
    let validatorImports = 0;
    for (const file of files) {
      for (const { specifier, target } of localImports(file)) {
        if (!inEngine(target)) continue;
        if (ALLOWED.includes(target)) validatorImports++;
        else offending.push(`${path.relative(root, file)} imports ${specifier}`);
      }
    }
    assert.deepEqual(offending, [], 'only src/engine/config may be imported');
    assert.ok(validatorImports > 0, 'the validator itself is imported (diagnostics, completion, the training gate)');
  });

  it('the validator it imports pulls in no TensorFlow.js, data loader, ID or training module', () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [...ALLOWED];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      for (const f of info.importedFiles) if (!f.fileName.startsWith('.')) packages.add(f.fileName);
      for (const { target } of localImports(file)) queue.push(target);
    }
    const engineFiles = [...seen].filter(inEngine).map((f) => path.relative(engine, f).split(path.sep).join('/'));
    const outside = engineFiles.filter((f) => !f.startsWith('config/'));
    // What validation itself needs: the memory estimate of a codebook and the path checks.
    assert.deepEqual(outside.sort(), ['model/memoryBudget.ts', 'run/virtualFileSystem.ts']);
    assert.deepEqual([...packages].filter((p) => p.startsWith('@tensorflow')), []);
  });
});
