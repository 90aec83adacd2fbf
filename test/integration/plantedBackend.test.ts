// Code is loaded only from the package itself (issue 8, item 10): a `@tensorflow/tfjs-node`
// planted in a parent folder of the working directory is never loaded by a training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE, runCli, tempDir } from '../support/cli';

const SMALL = ['--set', 'train.epochs=1', '--set', 'model.encoder=[32]', '--set', 'model.latent_dim=8', '--set', 'model.codebook_size=8'];

test('a tfjs-node planted in a parent of the cwd is never loaded, with auto or native', async () => {
  const parent = tempDir('planted');
  try {
    const marker = path.join(parent, 'LOADED');
    for (const pkg of ['tfjs-node', 'tfjs-node-gpu']) {
      const folder = path.join(parent, 'node_modules', '@tensorflow', pkg);
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: `@tensorflow/${pkg}`, version: '4.22.0', main: 'index.js' }));
      fs.writeFileSync(path.join(folder, 'index.js'), `require('fs').appendFileSync(${JSON.stringify(marker)}, ${JSON.stringify(pkg + '\n')});\nmodule.exports = {};\n`);
    }
    const cwd = path.join(parent, 'project', 'work');
    fs.mkdirSync(cwd, { recursive: true });

    const auto = await runCli(['train', EXAMPLE, ...SMALL, '--out', path.join(cwd, 'runs'), '--backend', 'auto'], cwd);
    assert.equal(auto.code, 0, auto.stderr);
    assert.ok(!fs.existsSync(marker), `planted package loaded: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`);
    assert.match(auto.stderr, /not installed: [^\n]*@tensorflow\/tfjs-node(,|$)/m);

    const native = await runCli(['train', EXAMPLE, ...SMALL, '--out', path.join(cwd, 'runs'), '--backend', 'native'], cwd);
    assert.notEqual(native.code, 0);
    assert.match(native.stderr, /@tensorflow\/tfjs-node is unavailable \(not installed\)/);
    assert.ok(!fs.existsSync(marker), 'planted package loaded');
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});
