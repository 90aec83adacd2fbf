// Builds the extension and the real-VS Code suite, then runs the suite in code-server.
// Needs scripts/setup-code-server.sh to have run once. Arguments go to the harness:
//   node scripts/test-vscode.mjs [--trust] [--screenshot-out DIR] [--timeout SECONDS] [--verbose]
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const started = Date.now();

function step(label, args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[test-vscode] ${label} failed (${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

step('build', ['scripts/build.mjs']);
step('build tests', ['test/vscode/build.mjs']);
console.log(`[test-vscode] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
step('suite', ['dist/test/vscode/runInCodeServer.js', ...process.argv.slice(2)]);
console.log(`[test-vscode] passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
