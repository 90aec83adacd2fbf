// Compiles the real-VS Code test suite and its harnesses into dist/test/vscode/.
// Each file is bundled on its own with packages left external: mocha, playwright-core
// and vscode must be the host's single copies, and suite/index.js finds *.test.js beside it.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const outdir = path.join(root, 'dist/test/vscode');

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

// A stale *.test.js from a deleted test would otherwise still run.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [
    ...tsFiles(path.join(root, 'test/vscode/suite')),
    ...tsFiles(path.join(root, 'test/vscode/scope')),
    path.join(root, 'test/vscode/runInCodeServer.ts'),
    path.join(root, 'test/vscode/runElectron.ts'),
  ],
  outbase: path.join(root, 'test/vscode'),
  outdir,
  bundle: true,
  packages: 'external',
  external: ['vscode'],
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
});
