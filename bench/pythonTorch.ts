/**
 * Debian's PyTorch (and scikit-learn) for the reference benches: /usr/bin/python3 with
 * python3-torch, installed with apt when missing (never a dependency of the product),
 * and an optimised BLAS (Debian's torch links the generic libblas.so.3 alternative: with
 * the reference BLAS a matMul is ~15x slower).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

export const PYTHON = '/usr/bin/python3';
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3';

function aptInstall(packages: string[]): boolean {
  console.log(`installing ${packages.join(' ')} with apt (reference only, not a product dependency)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args: string[]): boolean => spawnSync(sudo[0] ?? args[0], [...sudo.slice(1), ...(sudo.length ? args : args.slice(1))], { stdio: 'inherit', env }).status === 0;
  return run(['apt-get', 'update', '-qq']) && run(['apt-get', 'install', '-y', '-qq', ...packages]);
}

/**
 * True when `import` of every module works, installing the Debian packages otherwise;
 * `modules[i]` comes from `packages[i]`.
 */
export function ensurePythonModules(modules: string[], packages: string[]): boolean {
  const has = (): boolean => spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' }).status === 0;
  if (!has() && !(aptInstall(packages) && has())) {
    console.log(`PyTorch reference skipped: ${PYTHON} cannot import ${modules.join(', ')} and apt could not install ${packages.join(' ')}`);
    return false;
  }
  if (process.platform === 'linux' && process.arch === 'x64' && !fs.existsSync(OPENBLAS)) {
    if (!aptInstall(['libopenblas0-pthread'])) console.log('warning: no OpenBLAS: PyTorch runs on the reference BLAS');
  }
  return true;
}
