// Bundles the extension host, the engine (one bundle: the `semid` CLI, which the
// extension also forks as `semid engine`), the webviews and the benchmark with esbuild,
// minified, and copies the tfjs wasm binaries that run in Node beside them. Source maps
// are written for local debugging; .vscodeignore and `files` keep them out of packages.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
mkdirSync(dist, { recursive: true });

// Loaded at run time only when the user installed them (GPU / native engines).
const optionalNative = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  external: [...optionalNative, 'vscode'],
  absWorkingDir: root,
};

const entries = [
  { in: 'src/extension/extension.ts', out: 'extension.js' },
  { in: 'src/engine/cli/main.ts', out: 'cli.js', banner: '#!/usr/bin/env node' },
  { in: 'bench/bench.ts', out: 'bench.js' },
];

await Promise.all(
  entries
    .filter((e) => existsSync(path.join(root, e.in)))
    .map((e) =>
      build({
        ...nodeCommon,
        entryPoints: [e.in],
        outfile: path.join(dist, e.out),
        banner: e.banner ? { js: e.banner } : undefined,
      }),
    ),
);
if (existsSync(path.join(dist, 'cli.js'))) chmodSync(path.join(dist, 'cli.js'), 0o755);

// Webviews: one bundle per panel, browser platform.
const webviewDir = path.join(root, 'webview');
if (existsSync(webviewDir)) {
  const panels = readdirSync(webviewDir, { withFileTypes: true }).filter(
    (d) => d.isDirectory() && existsSync(path.join(webviewDir, d.name, 'main.ts')),
  );
  await Promise.all(
    panels.map((d) =>
      build({
        bundle: true,
        platform: 'browser',
        target: 'es2022',
        format: 'iife',
        minify: true,
        sourcemap: true,
        logLevel: 'warning',
        entryPoints: [path.join(webviewDir, d.name, 'main.ts')],
        outfile: path.join(dist, 'webview', `${d.name}.js`),
      }),
    ),
  );
}

// tfjs-backend-wasm fetches its .wasm next to the bundle (see engine/tf/backend.ts).
// Not the threaded build: it needs Web Workers, which Node lacks (the engine runs it single-threaded).
const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
  copyFileSync(path.join(wasmDir, f), path.join(dist, f));
}
// Leftovers of earlier builds (the separate engine bundle, the threaded wasm) must not reach a package.
for (const stale of ['engine.js', 'engine.js.map', 'tfjs-backend-wasm-threaded-simd.wasm']) rmSync(path.join(dist, stale), { force: true });
