import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The package's version, read from the package.json above this file (dist/cli.js in a
 * package, src/engine/cli under tsx), so `semid --version` never drifts from it.
 */
export function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'semantic-id-studio' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: look one folder up
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
