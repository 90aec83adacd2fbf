// `npm test`: lint, unit and engine-integration tests (node:test through tsx), then the
// extension suite inside a real VS Code when the harness is available.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const files = (dir) =>
  existsSync(path.join(root, dir))
    ? readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.test.ts')).sort().map((f) => path.join(dir, f))
    : [];

const only = process.argv[2]; // optional: lint | unit | integration | vscode
let passed = 0;
let failed = 0;
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status === 0) passed++;
  else failed++;
};

if (!only || only === 'lint') {
  // ESLint (typescript-eslint); tsc's noUnusedLocals/noUnusedParameters ran in pretest's typecheck.
  run(process.execPath, [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--cache', '--cache-location', 'node_modules/.cache/eslint/', '.']);
}
if (!only || only === 'unit' || only === 'integration') {
  const tests = [...(only !== 'integration' ? files('test/unit') : []), ...(only !== 'unit' ? files('test/integration') : [])];
  run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...tests]);
}
if (!only || only === 'vscode') {
  // The extension suite in a real VS Code: trusted workspace, then restricted mode,
  // then the command palette driven as a user would, then the packaged VSIX installed
  // and trained from the palette (screenshots in test-output/).
  // Debian's Chromium and a cached code-server: idempotent, a no-op once installed.
  run('bash', [path.join(root, 'scripts', 'setup-code-server.sh')]);
  run(process.execPath, [path.join(root, 'scripts', 'test-vscode.mjs')]);
  run(process.execPath, [path.join(root, 'dist', 'test', 'vscode', 'runInCodeServer.js'), '--trust']);
  // A workspace without experiment files: a workflow and a Hydra config stay untouched.
  run(process.execPath, [
    path.join(root, 'dist', 'test', 'vscode', 'runInCodeServer.js'),
    '--trust',
    '--workspace', path.join(root, 'test', 'vscode', 'workspace-scope'),
    '--tests', path.join(root, 'dist', 'test', 'vscode', 'scope', 'index.js'),
  ]);
  run(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'vscode', 'e2ePalette.ts'), '--out', path.join(root, 'test-output')]);
  // The dashboard and the explorer through "Developer: Reload Window" (their serializers).
  run(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'vscode', 'e2eReload.ts'), '--out', path.join(root, 'test-output')]);
  run(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'vscode', 'vsixInstall.ts'), '--out', path.join(root, 'test-output')]);
}
// One closing line over the steps run above (setup and suites; each suite prints its own test counts).
console.log(`steps: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
