/**
 * The VSIX a user installs: packaged with the repo's own vsce (offline, no dependencies
 * bundled: dist/ carries everything) and installed with code-server's own CLI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** `publisher.name-version`, the folder an install creates in the extensions dir. */
export function extensionFolderName(repoRoot: string): string {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`;
}

/** `vsce package` of the current dist/ (build it first) into `outFile`. */
export function packageVsix(repoRoot: string, outFile: string): void {
  const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
  if (!existsSync(vsce)) throw new Error(`no vsce at ${vsce}`);
  const result = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '-o', outFile], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0 || !existsSync(outFile)) {
    throw new Error(`vsce package failed (${result.status ?? result.signal}):\n${tail(result.stdout + result.stderr)}`);
  }
}

export interface InstallOptions {
  codeServerDir: string;
  vsix: string;
  extensionsDir: string;
  userDataDir: string;
}

/** Installs through `code-server --install-extension`; returns the installed extension's folder. */
export function installVsix(options: InstallOptions, folderName: string): string {
  const result = spawnSync(
    process.execPath,
    [
      path.join(options.codeServerDir, 'out/node/entry.js'),
      '--user-data-dir', options.userDataDir,
      '--extensions-dir', options.extensionsDir,
      '--install-extension', options.vsix,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const output = result.stdout + result.stderr;
  if (result.status !== 0) throw new Error(`code-server --install-extension exited ${result.status ?? result.signal}:\n${tail(output)}`);
  const installed = path.join(options.extensionsDir, folderName);
  if (!existsSync(path.join(installed, 'package.json'))) {
    throw new Error(`code-server --install-extension reported success but ${installed}/package.json is missing:\n${tail(output)}`);
  }
  return installed;
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-20).join('\n');
}
