/** Experiment-file patterns: built-in *.rqvae.yaml/yml, user globs through picomatch, refused patterns. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUILT_IN_PATTERNS, ExperimentGlobs, compileGlob, matchesGlob } from '../../src/extension/experiments/experimentGlobs';

test('by default only *.rqvae.yaml / *.rqvae.yml are experiment files', () => {
  const globs = new ExperimentGlobs([]);
  for (const p of ['a.rqvae.yaml', 'x/y/a.rqvae.yml', '.hidden/a.rqvae.yaml']) assert.ok(globs.matches(p), p);
  for (const p of ['a.yaml', 'experiments/foo.yaml', '.github/workflows/ci.yml', 'a.rqvae.yamlx', 'a.rqvae.json']) assert.ok(!globs.matches(p), p);
});

test('user patterns add to the built-in ones (braces, classes, ** segments)', () => {
  const globs = new ExperimentGlobs(['experiments/**/*.{yaml,yml}', 'conf/exp-[0-9]-*.yaml']);
  assert.deepEqual(globs.problems, []);
  for (const p of ['experiments/foo.yaml', 'experiments/a/b/foo.yml', 'conf/exp-1-x.yaml', 'z.rqvae.yaml']) assert.ok(globs.matches(p), p);
  for (const p of ['experimentsx/foo.yaml', 'x/experiments/foo.yaml', 'conf/exp-a-x.yaml', 'conf/d/exp-1-x.yaml']) assert.ok(!globs.matches(p), p);
});

test('malformed or explosive patterns are refused with a reason; the rest still work', () => {
  const hostile = '**a'.repeat(20) + '**b';
  const globs = new ExperimentGlobs([hostile, 'a/{b/c,d}.yaml', '/abs/*.yaml', 'x//y.yaml', 'conf/[ab.yaml', '', 'ok/*.yaml']);
  assert.deepEqual(
    globs.problems.map((p) => p.glob),
    [hostile, 'a/{b/c,d}.yaml', '/abs/*.yaml', 'x//y.yaml', 'conf/[ab.yaml', ''],
  );
  for (const p of globs.problems) assert.ok(p.problem.length > 0);
  assert.ok(globs.matches('ok/x.yaml'));
  assert.ok(globs.matches('deep/a.rqvae.yml'));
});

test('the wildcards a pattern may have per segment keep matching polynomial: ** segments through a table', () => {
  // The heaviest pattern still accepted: two wildcard runs in each named segment, ** between.
  const compiled = compileGlob('**/*a*a/**/*a*b/**/*a*a');
  assert.ok(!('problem' in compiled));
  const name = 'a'.repeat(200);
  const deep = Array.from({ length: 30 }, () => name).join('/') + '/c';
  // Correctness here; the bound is O(segments^2 x name^2) segment work, not a timing assertion.
  assert.equal(matchesGlob(compiled, deep), false);
  assert.equal(matchesGlob(compiled, `${name}a/${name}b/${name}a`), true);
});

test("package.json's yamlValidation covers exactly the built-in patterns", () => {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { yamlValidation: { fileMatch: string[] }[] };
  };
  const fileMatch = pkg.contributes.yamlValidation.flatMap((v) => v.fileMatch);
  assert.deepEqual(fileMatch.map((f) => `**/${f}`).sort(), [...BUILT_IN_PATTERNS].sort());
});
