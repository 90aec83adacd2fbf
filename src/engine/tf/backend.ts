import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { BackendRequest } from '../config/experiment';
import type { TF } from './types';

/**
 * Chooses the TensorFlow.js backend (issue: engine core, item 8).
 *
 * auto: tfjs-node-gpu, then tfjs-node (each detected by loading it and running one
 * op; everything then uses the tfjs instance that came with it), then wasm, then the
 * pure-JS cpu backend. The native packages are optional: they download libtensorflow
 * at install time, so they are absent wherever that cannot happen.
 */

export type BackendName = 'gpu' | 'native' | 'wasm' | 'cpu';

export interface EngineRuntime {
  tf: TF;
  backend: BackendName;
  /** The choice in words, starting with the backend's name, and why faster ones were passed over. */
  reason: string;
  threads: number;
}

export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}

const NATIVE_PACKAGES: Record<'gpu' | 'native', string> = {
  gpu: '@tensorflow/tfjs-node-gpu',
  native: '@tensorflow/tfjs-node',
};

const INSTALL_HINT: Record<'gpu' | 'native', string> = {
  gpu:
    'install it with `npm install @tensorflow/tfjs-node-gpu@4.22.0` (needs network, CUDA 11.x and cuDNN 8) ' +
    'or run the VS Code command "Semantic IDs: Install GPU Engine"',
  native: 'install it with `npm install @tensorflow/tfjs-node@4.22.0` (downloads libtensorflow at install time)',
};

/**
 * Folders whose `node_modules` may hold the optional native packages: this package's own
 * install only, never the current directory or an arbitrary parent (a package planted
 * there would run on every training). That is its own node_modules, the node_modules
 * folders it is itself installed in (npm hoists dependencies there), and
 * SEMID_MODULE_PATHS (path-delimited prefixes), which the extension sets to the folder
 * where "Install GPU Engine" put them.
 */
export function nativeModuleRoots(): string[] {
  const roots: string[] = [];
  const own = packageRoot(__dirname);
  if (own !== null) {
    roots.push(path.join(own, 'node_modules'));
    for (let dir = path.dirname(own); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
      if (path.basename(dir) === 'node_modules') roots.push(dir);
    }
  }
  const env = process.env.SEMID_MODULE_PATHS;
  if (env) for (const p of env.split(path.delimiter)) if (p.length > 0) roots.push(path.join(path.resolve(p), 'node_modules'));
  return roots;
}

/** The nearest folder at or above `dir` with a package.json: the engine's own package (or the extension). */
function packageRoot(dir: string): string | null {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return null;
  }
}

function tryLoadNative(kind: 'gpu' | 'native'): { tf: TF } | { error: string } {
  const pkg = NATIVE_PACKAGES[kind];
  const errors: string[] = [];
  for (const root of nativeModuleRoots()) {
    // The package folder itself, not a resolution that would walk up from `root`.
    const folder = path.join(root, ...pkg.split('/'));
    if (!fs.existsSync(path.join(folder, 'package.json'))) continue;
    try {
      const req = createRequire(path.join(folder, 'package.json'));
      const tf = req(folder) as TF;
      // Loading is not enough: the binding may load and still fail on first use.
      const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync()[0]);
      if (probe !== 2) throw new Error(`probe op returned ${probe}`);
      return { tf };
    } catch (e) {
      const msg = `${folder}: ${(e as Error).message.split('\n')[0]}`;
      if (!errors.includes(msg)) errors.push(msg);
    }
  }
  // A package that is present but broken (e.g. its libtensorflow download failed)
  // matters more to the user than the roots where it was simply absent.
  return { error: errors.length ? errors.join('; ') : 'not installed' };
}

/** Folder holding tfjs-backend-wasm's .wasm files: beside the bundle, else in node_modules. */
export function wasmDirectory(): string {
  if (fs.existsSync(path.join(__dirname, 'tfjs-backend-wasm.wasm'))) return __dirname;
  const req = createRequire(__filename);
  return path.join(path.dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

async function loadWasm(threads: number | null): Promise<{ tf: TF; note: string }> {
  const tf = require('@tensorflow/tfjs') as TF;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDirectory() + path.sep);
  let note = '';
  if (threads !== null && threads > 1) {
    // The threaded wasm build needs Web Workers, which Node does not provide.
    note = `; engine.threads=${threads} ignored: the wasm backend runs single-threaded in Node`;
  }
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('tf.setBackend("wasm") returned false');
  await tf.ready();
  return { tf, note };
}

async function loadCpu(): Promise<TF> {
  const tf = require('@tensorflow/tfjs') as TF;
  await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

/** `; not installed: a, b` and `; <pkg>: <why>` for the faster backends that were passed over. */
function skippedNote(skipped: readonly { pkg: string; error: string }[]): string {
  const missing = skipped.filter((s) => s.error === 'not installed').map((s) => s.pkg);
  const broken = skipped.filter((s) => s.error !== 'not installed').map((s) => `${s.pkg} failed: ${s.error}`);
  return [...(missing.length ? [`not installed: ${missing.join(', ')}`] : []), ...broken].map((part) => `; ${part}`).join('');
}

export async function initBackend(request: BackendRequest, threads: number | null): Promise<EngineRuntime> {
  const skipped: { pkg: string; error: string }[] = [];
  const how = request === 'auto' ? 'chosen automatically' : 'as requested';
  const nativeKinds: ('gpu' | 'native')[] = request === 'auto' ? ['gpu', 'native'] : request === 'gpu' || request === 'native' ? [request] : [];
  for (const kind of nativeKinds) {
    const loaded = tryLoadNative(kind);
    if ('tf' in loaded) {
      return { tf: loaded.tf, backend: kind, reason: `${kind} (${NATIVE_PACKAGES[kind]}), ${how}${skippedNote(skipped)}`, threads: threads ?? 0 };
    }
    if (request !== 'auto') {
      throw new BackendError(`engine.backend: ${kind} requested but ${NATIVE_PACKAGES[kind]} is unavailable (${loaded.error}); ${INSTALL_HINT[kind]}`);
    }
    skipped.push({ pkg: NATIVE_PACKAGES[kind], error: loaded.error });
  }
  if (request === 'auto' || request === 'wasm') {
    try {
      const { tf, note } = await loadWasm(threads);
      return { tf, backend: 'wasm', reason: `wasm (SIMD), ${how}${skippedNote(skipped)}${note}`, threads: 1 };
    } catch (e) {
      if (request === 'wasm') throw new BackendError(`engine.backend: wasm failed to start: ${(e as Error).message}`);
      skipped.push({ pkg: 'wasm', error: (e as Error).message });
    }
  }
  const tf = await loadCpu();
  return { tf, backend: 'cpu', reason: `cpu (pure JavaScript, slow), ${how}${skippedNote(skipped)}`, threads: 1 };
}
