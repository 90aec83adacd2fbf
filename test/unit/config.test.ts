import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultConfig, ExperimentConfig } from '../../src/engine/config/experiment';
import { KEYS, SECTIONS, childrenOf } from '../../src/engine/config/keys';
import {
  ConfigProblem,
  ExperimentError,
  formatProblem,
  loadExperiment,
  loadRunConfig,
  parseExperiment,
  withOverrides,
} from '../../src/engine/config/validate';
import { configHash } from '../../src/engine/config/configHash';
import { serializeConfig } from '../../src/engine/config/serialize';
import { buildExperimentSchema, experimentSchemaText, JsonSchema } from '../../src/engine/config/jsonSchema';
import { SHARED_DATA, withoutShared } from '../support/sharedData';

const repoRoot = path.resolve(__dirname, '..', '..');
// The bundled example is the real Scientific set (the same files as ../shared/data/scientific).
const scientific = path.join(repoRoot, 'examples', 'scientific', 'data');
const beauty = path.join(SHARED_DATA, 'beauty');

// Experiment files in these tests are never read from disk: only their folder matters.
const EXP = '/experiments/demo/exp.rqvae.yaml';
const parse = (text: string, overrides?: string[]) => parseExperiment(text, EXP, { checkFiles: false, overrides });

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-config-'));
  tmpDirs.push(dir);
  return dir;
}
after(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function errors(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.filter((p) => p.severity === 'error');
}

/** The single error of a parse, with its range as `line:col-endLine:endCol`. */
function onlyError(text: string, overrides?: string[]): { message: string; key: string | null; at: string } {
  const r = parse(text, overrides);
  const errs = errors(r.problems);
  assert.equal(errs.length, 1, `expected one error, got: ${JSON.stringify(r.problems, null, 1)}`);
  assert.equal(r.config, null);
  const { line, col, endLine, endCol } = errs[0].range;
  return { message: errs[0].message, key: errs[0].key, at: `${line}:${col}-${endLine}:${endCol}` };
}

describe('defaults', () => {
  test('a file with only a name gets every default, paths made absolute', () => {
    const r = parse('name: demo\n');
    assert.deepEqual(r.problems, []);
    const expected: ExperimentConfig = { name: 'demo', ...defaultConfig() };
    expected.data.items = '/experiments/demo/items.jsonl';
    expected.output.dir = '/experiments/demo/runs';
    assert.deepEqual(r.config, expected);
  });

  test('the key table and defaultConfig() describe the same keys', () => {
    const flat = (o: unknown, prefix = ''): string[] =>
      Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
        typeof v === 'object' && v !== null && !Array.isArray(v) && !['variants', 'grid'].includes(k)
          ? flat(v, `${prefix}${k}.`)
          : [`${prefix}${k}`],
      );
    assert.deepEqual(
      flat({ name: 'x', ...defaultConfig() }).sort(),
      KEYS.map((k) => k.path).sort(),
    );
    for (const s of SECTIONS) assert.ok(childrenOf(s.path).length > 0, s.path);
  });

  test('an empty section means all defaults', () => {
    const r = parse('name: demo\ncollab:\ntrain: {}\n');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config?.collab, defaultConfig().collab);
  });
});

describe('errors with their exact position', () => {
  test('unknown key suggests the closest sibling', () => {
    const e = onlyError('name: demo\nmodel:\n  levels: 3\n  codebok_size: 64\n');
    assert.equal(e.message, "unknown key 'model.codebok_size' (did you mean 'codebook_size'?)");
    assert.equal(e.key, 'model.codebok_size');
    assert.equal(e.at, '4:3-4:15');
  });

  test('unknown key in the wrong section suggests its full path', () => {
    const e = onlyError('name: demo\nmodel:\n  lr: 0.1\n');
    assert.equal(e.message, "unknown key 'model.lr' (did you mean 'train.lr'?)");
    assert.equal(e.at, '3:3-3:5');
  });

  test('unknown top-level key, and one with nothing close', () => {
    assert.equal(onlyError('name: demo\ntrian:\n  lr: 0.1\n').message, "unknown key 'trian' (did you mean 'train'?)");
    const e = onlyError('name: demo\nzzzzzz: 1\n');
    assert.equal(e.message, "unknown key 'zzzzzz'");
    assert.equal(e.at, '2:1-2:7');
  });

  test('a dotted key in the file is explained', () => {
    const e = onlyError('name: demo\nmodel.levels: 4\n');
    assert.match(e.message, /dotted keys are for --set and sweeps; in the file nest it \(model: \{ levels: \.\.\. \}\)/);
    assert.equal(e.at, '2:1-2:13');
  });

  test('wrong type underlines the value', () => {
    const e = onlyError('name: demo\ntrain:\n  lr: fast\n');
    assert.equal(e.message, "'train.lr' must be a number > 0 (got 'fast')");
    assert.equal(e.key, 'train.lr');
    assert.equal(e.at, '3:7-3:11');
  });

  test('a quoted number is a string, not a number', () => {
    assert.equal(onlyError('name: demo\nmodel: { levels: "3" }\n').message, "'model.levels' must be an integer from 1 to 8 (got '3')");
  });

  test('out-of-range values', () => {
    const cases: [string, string, string][] = [
      ['model:\n  levels: 9', "'model.levels' must be an integer from 1 to 8 (got 9)", '3:11-3:12'],
      ['model:\n  levels: 0', "'model.levels' must be an integer from 1 to 8 (got 0)", '3:11-3:12'],
      ['model:\n  latent_dim: 2.5', "'model.latent_dim' must be an integer >= 1 (got 2.5)", '3:15-3:18'],
      ['model:\n  beta: -0.1', "'model.beta' must be a number >= 0 (got -0.1)", '3:9-3:13'],
      ['train:\n  lr: 0', "'train.lr' must be a number > 0 (got 0)", '3:7-3:8'],
      ['train:\n  batch_size: -4', "'train.batch_size' must be an integer >= 1 (got -4)", '3:15-3:17'],
      ['train:\n  seed: -1', "'train.seed' must be an integer from 0 to 4294967295 (got -1)", '3:9-3:11'],
      ['collab:\n  temperature: 0', "'collab.temperature' must be a number > 0 (got 0)", '3:16-3:17'],
      ['collab:\n  weight: -1', "'collab.weight' must be a number >= 0 (got -1)", '3:11-3:13'],
      ['collab:\n  pairs:\n    window: -1', "'collab.pairs.window' must be an integer >= 0 (got -1)", '4:13-4:15'],
      ['balance: { temperature: 0 }', "'balance.temperature' must be a number > 0 (got 0)", '2:25-2:26'],
      ['engine: { threads: 0 }', "'engine.threads' must be an integer >= 1 or null (got 0)", '2:20-2:21'],
      ['features: { dim: .inf }', "'features.dim' must be an integer >= 1 (got Infinity)", '2:18-2:22'],
    ];
    for (const [yaml, message, at] of cases) {
      const e = onlyError(`name: demo\n${yaml}\n`);
      assert.equal(e.message, message, yaml);
      assert.equal(e.at, at, yaml);
    }
  });

  test('enums', () => {
    const e = onlyError('name: demo\nengine:\n  backend: tpu\n');
    assert.equal(e.message, "'engine.backend' must be one of 'auto', 'gpu', 'native', 'wasm', 'cpu' (got 'tpu')");
    assert.equal(e.at, '3:12-3:15');
    assert.equal(
      onlyError('name: demo\ncollab: { pairs: { criterion: chi2 } }\n').message,
      "'collab.pairs.criterion' must be one of 'llr', 'npmi', 'pmi', 'count', 'none' (got 'chi2')",
    );
  });

  test('a bad list element is underlined on its own', () => {
    const e = onlyError('name: demo\nmodel:\n  encoder: [512, 0, 128]\n');
    assert.equal(e.message, "'model.encoder' must be a list of integers >= 1 (item 2 is 0)");
    assert.equal(e.at, '3:18-3:19');
    const block = onlyError('name: demo\ndata:\n  text_fields:\n    - title\n    - 3\n');
    assert.equal(block.message, "'data.text_fields' must be a list of strings (item 2 is 3)");
    assert.equal(block.at, '5:7-5:8');
  });

  test('a section that is not a mapping', () => {
    const e = onlyError('name: demo\nmodel: 3\n');
    assert.match(e.message, /^'model' must be a mapping of keys \(encoder, latent_dim, levels, codebook_size, beta, type\)$/);
    assert.equal(e.at, '2:8-2:9');
  });

  test('name: required, and safe for a folder name', () => {
    const missing = onlyError('model:\n  levels: 2\n');
    assert.match(missing.message, /^'name' is required/);
    assert.equal(missing.key, 'name');
    assert.equal(missing.at, '1:1-1:6');
    const unsafe = onlyError('name: ../escape\n');
    assert.match(unsafe.message, /^'name' must be safe for a folder name/);
    assert.equal(unsafe.at, '1:7-1:16');
    assert.match(onlyError('name: a/b\n').message, /safe for a folder name/);
    assert.match(onlyError('name: 42\n').message, /'name' must be a string \(got 42\)/);
  });

  test('a file that is not a mapping, and an empty file', () => {
    const list = parse('- name: demo\n');
    assert.equal(list.config, null);
    assert.equal(list.problems[0].message, 'the experiment file must be a mapping of keys (name: ..., data: ..., model: ...)');
    assert.deepEqual(list.problems[0].range, { line: 1, col: 1, endLine: 1, endCol: 13 });
    const empty = parse('# nothing yet\n');
    assert.equal(empty.config, null);
    assert.match(empty.problems[0].message, /empty/);
  });

  test('several problems come back together, in reading order', () => {
    const r = parse('name: demo\ntrain:\n  lr: -1\n  epochs: 0\nmodel:\n  levles: 3\n');
    assert.deepEqual(
      r.problems.map((p) => `${p.range.line}:${p.range.col} ${p.key}`),
      ['3:7 train.lr', '4:11 train.epochs', '6:3 model.levles'],
    );
  });
});

describe('YAML syntax errors', () => {
  test('an unclosed flow sequence, with its position', () => {
    const r = parse('name: demo\nmodel:\n  encoder: [512, 256\n  levels: 3\n');
    assert.equal(r.config, null);
    assert.deepEqual(r.problems, [
      {
        severity: 'error',
        key: null,
        message: 'YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
        range: { line: 4, col: 3, endLine: 4, endCol: 4 },
      },
    ]);
  });

  test('a bad indentation points at its line', () => {
    const r = parse('name: demo\nmodel:\n  levels: 3\n beta: 0.1\n');
    assert.equal(r.config, null);
    assert.deepEqual(
      r.problems.map((p) => [p.message, p.range]),
      [['YAML: All mapping items must start at the same column', { line: 4, col: 1, endLine: 4, endCol: 2 }]],
    );
  });

  test('a duplicate key points at the second one', () => {
    const r = parse('name: demo\ntrain:\n  lr: 0.1\n  lr: 0.2\n');
    assert.equal(r.config, null);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].message, 'YAML: Map keys must be unique');
    assert.equal(r.problems[0].range.line, 4);
    assert.equal(r.problems[0].range.col, 3);
  });
});

describe('model.codebook_size', () => {
  test('one number is repeated per level', () => {
    const r = parse('name: demo\nmodel: { levels: 4, codebook_size: 64 }\n');
    assert.deepEqual(r.config?.model.codebook_size, [64, 64, 64, 64]);
  });

  test('a list with one size per level is kept', () => {
    const r = parse('name: demo\nmodel:\n  levels: 3\n  codebook_size: [256, 128, 64]\n');
    assert.deepEqual(r.config?.model.codebook_size, [256, 128, 64]);
  });

  test('a list of the wrong length is an error at the list', () => {
    const e = onlyError('name: demo\nmodel:\n  levels: 3\n  codebook_size: [256, 256]\n');
    assert.equal(
      e.message,
      "'model.codebook_size' has 2 sizes but 'model.levels' is 3: give one size per level, or one number for all",
    );
    assert.equal(e.at, '4:18-4:28');
  });

  test('a bad size inside the list', () => {
    const e = onlyError('name: demo\nmodel:\n  codebook_size: [256, 0, 256]\n');
    assert.equal(e.message, "'model.codebook_size' must be an integer >= 1, or a list of them (one per level) (item 2 is 0)");
    assert.equal(e.at, '3:24-3:25');
    assert.match(onlyError('name: demo\nmodel: { codebook_size: [] }\n').message, /must not be an empty list/);
  });
});

describe('data files', () => {
  test('a missing file is an error at the value, naming the absolute path', () => {
    const dir = tmpDir();
    const r = parseExperiment('name: demo\ndata:\n  items: nope/items.jsonl\n', path.join(dir, 'exp.yaml'));
    const errs = errors(r.problems);
    assert.equal(errs.length, 1);
    assert.equal(errs[0].message, `'data.items': file not found: ${path.join(dir, 'nope', 'items.jsonl')}`);
    assert.deepEqual(errs[0].range, { line: 3, col: 10, endLine: 3, endCol: 26 });
    // Without file checks the same text is valid.
    assert.deepEqual(parseExperiment('name: demo\ndata:\n  items: nope/items.jsonl\n', path.join(dir, 'exp.yaml'), { checkFiles: false }).problems, []);
  });

  test('the default items.jsonl is checked too', () => {
    const dir = tmpDir();
    const e = errors(parseExperiment('name: demo\n', path.join(dir, 'exp.yaml')).problems);
    assert.equal(e.length, 1);
    assert.equal(e[0].key, 'data.items');
    assert.match(e[0].message, /file not found: .*items\.jsonl$/);
  });

  test('relative paths resolve against the experiment file folder, absolute ones stay', () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'exp', 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'exp', 'data', 'items.jsonl'), '{"id": "a", "title": "A"}\n');
    fs.writeFileSync(path.join(dir, 'seqs.txt'), 'u1 a\n');
    const text = [
      'name: demo',
      'data:',
      '  items: data/items.jsonl',
      '  interactions: ../seqs.txt',
      `  item_index: ${path.join(scientific, 'Scientific.item2index')}`,
      'output:',
      '  dir: ../runs',
    ].join('\n');
    const r = parseExperiment(text, path.join(dir, 'exp', 'e.rqvae.yaml'));
    assert.deepEqual(r.problems, []);
    assert.equal(r.config?.data.items, path.join(dir, 'exp', 'data', 'items.jsonl'));
    assert.equal(r.config?.data.interactions, path.join(dir, 'seqs.txt'));
    assert.equal(r.config?.data.item_index, path.join(scientific, 'Scientific.item2index'));
    assert.equal(r.config?.output.dir, path.join(dir, 'runs'));
  });

  test('a folder is not a data file', () => {
    const dir = tmpDir();
    const e = errors(parseExperiment('name: demo\ndata: { items: . }\n', path.join(dir, 'exp.yaml')).problems);
    assert.equal(e.length, 1);
    assert.equal(e[0].message, `'data.items' is a folder, not a file: ${dir}`);
  });

  test('the real Scientific data set: RecBole files, raw .f32 embeddings with their width', () => {
    const exp = path.join(scientific, 'scientific.rqvae.yaml'); // not on disk: only its folder is used
    const text = (dim: string) =>
      [
        'name: scientific',
        'data:',
        '  items: Scientific.text',
        '  id_field: item_id:token',
        '  embeddings: Scientific.emb512.f32',
        dim,
        '  item_index: Scientific.item2index',
        '  interactions: Scientific.inter # only its .train/.valid/.test siblings exist',
      ].join('\n');
    const ok = parseExperiment(text('  embedding_dim: 512'), exp);
    assert.deepEqual(ok.problems, []);
    assert.equal(ok.config?.data.embeddings, path.join(scientific, 'Scientific.emb512.f32'));
    assert.equal(ok.config?.data.interactions, path.join(scientific, 'Scientific.inter'));

    const noDim = errors(parseExperiment(text(''), exp).problems);
    assert.equal(noDim.length, 1);
    assert.equal(noDim[0].key, 'data.embedding_dim');
    assert.match(noDim[0].message, /'data.embedding_dim' is required when 'data.embeddings' is a raw .f32 file/);
    assert.deepEqual(noDim[0].range, { line: 5, col: 15, endLine: 5, endCol: 36 });

    // 1,585 rows x 512 floats is not a whole number of 500-float rows.
    const wrongDim = errors(parseExperiment(text('  embedding_dim: 500'), exp).problems);
    assert.equal(wrongDim.length, 1);
    assert.match(wrongDim[0].message, /'data.embedding_dim' is 500 but .*Scientific\.emb512\.f32 holds 3246080 bytes/);
    assert.equal(wrongDim[0].range.line, 6);
  });

  test('Beauty: a .txt of sequences and a .jsonl catalog', { skip: withoutShared('beauty/items.jsonl', 'beauty/sequences.txt') }, () => {
    const r = parseExperiment('name: beauty\ndata:\n  items: items.jsonl\n  interactions: sequences.txt\n', path.join(beauty, 'beauty.rqvae.yaml'));
    assert.deepEqual(r.problems, []);
    assert.equal(r.config?.data.interactions, path.join(beauty, 'sequences.txt'));
  });

  test('no embeddings and no text fields leaves nothing to featurize', () => {
    const e = onlyError('name: demo\ndata:\n  text_fields: []\n');
    assert.match(e.message, /'data.text_fields' is empty and there are no 'data.embeddings'/);
    assert.equal(e.at, '3:16-3:18');
    assert.equal(errors(parse('name: demo\ndata:\n  text_fields: []\n  embeddings: e.npy\n').problems).length, 0);
  });
});

describe('--set overrides', () => {
  test('values are YAML flow scalars and sequences', () => {
    const r = parse('name: demo\n', [
      'model.codebook_size=[64,64,64]',
      'train.lr=3e-4',
      'train.kmeans_init=false',
      'data.embeddings=vectors.npy',
      'engine.threads=null',
      'train.optimizer=adamw',
    ]);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config?.model.codebook_size, [64, 64, 64]);
    assert.equal(r.config?.train.lr, 3e-4);
    assert.equal(r.config?.train.kmeans_init, false);
    assert.equal(r.config?.data.embeddings, '/experiments/demo/vectors.npy');
    assert.equal(r.config?.engine.threads, null);
    assert.equal(r.config?.train.optimizer, 'adamw');
  });

  test('an override replaces the file value, later ones win', () => {
    const r = parse('name: demo\nmodel:\n  levels: 3\n', ['model.levels=2', 'model.levels=4']);
    assert.equal(r.config?.model.levels, 4);
    assert.deepEqual(r.config?.model.codebook_size, [256, 256, 256, 256]);
    // A bad file value that is overridden is not reported.
    assert.deepEqual(parse('name: demo\nmodel:\n  levels: 30\n', ['model.levels=2']).problems, []);
  });

  test('problems: key set, message prefixed with the argument, no position', () => {
    const r = parse('name: demo\n', ['model.levels=12', 'model.codebok_size=3', 'train.lr', 'train.lr=[1,', 'model=3']);
    assert.equal(r.config, null);
    assert.deepEqual(
      r.problems.map((p) => [p.key, p.message, p.range.line]),
      [
        ['model.codebok_size', "--set model.codebok_size=3: unknown key 'model.codebok_size' (did you mean 'model.codebook_size'?)", 0],
        ['train.lr', '--set train.lr: expected dotted.key=value (e.g. --set model.levels=4)', 0],
        ['train.lr', r.problems[2].message, 0],
        ['model', "--set model=3: 'model' is a section; set one of its keys, e.g. 'model.encoder'", 0],
        ['model.levels', "--set model.levels=12: 'model.levels' must be an integer from 1 to 8 (got 12)", 0],
      ],
    );
    assert.match(r.problems[2].message, /^--set train\.lr=\[1,: cannot read the value as YAML: /);
    assert.deepEqual(r.problems[0].range, { line: 0, col: 0, endLine: 0, endCol: 0 });
  });

  test('cross-key problems caused by an override', () => {
    const e = onlyError('name: demo\n', ['model.codebook_size=[64,64]']);
    assert.equal(e.at, '0:0-0:0');
    assert.match(e.message, /^--set model\.codebook_size=\[64,64\]: 'model.codebook_size' has 2 sizes but 'model.levels' is 3/);
  });
});

describe('features.fuse, variants and grid (active since the seed method)', () => {
  test('fuse: [cooccurrence] needs data.interactions; with them, fuse and grid give no note', () => {
    const e = onlyError('name: demo\nfeatures: { dim: 64, fuse: [cooccurrence] }\ngrid:\n  train.seed: [1, 2]\n');
    assert.equal(e.key, 'features.fuse');
    assert.equal(e.message, "'features.fuse' has 'cooccurrence' but there are no 'data.interactions' to count it from");
    assert.equal(e.at, '2:28-2:42');
    const r = parse('name: demo\ndata: { interactions: seqs.txt }\nfeatures: { dim: 64, fuse: [cooccurrence] }\ngrid:\n  train.seed: [1, 2]\n');
    assert.ok(r.config);
    assert.deepEqual(r.config.features.fuse, ['cooccurrence']);
    assert.deepEqual(r.config.grid, { 'train.seed': [1, 2] });
    assert.deepEqual(r.problems, []);
  });

  test('default values say nothing; fuse is validated', () => {
    assert.deepEqual(parse('name: demo\nfeatures:\n  fuse: []\nvariants: {}\ngrid: {}\n').problems, []);
    const e = onlyError('name: demo\nfeatures:\n  fuse: [cooccurrence, tfidf]\n');
    assert.equal(e.key, 'features.fuse');
    assert.equal(e.message, "'features.fuse' must be a list of 'cooccurrence' (item 2 is 'tfidf')");
    assert.equal(e.at, '3:24-3:29');
  });

});

describe('seed-method keys (active)', () => {
  const seedKeys = KEYS.filter((k) => /^(collab|dead_codes|balance)\./.test(k.path));

  test('the seed method has its 21 collab.*, dead_codes.* and balance.* keys', () => {
    assert.equal(seedKeys.length, 21); // + collab.pairs.file (issue 12), collab.weighting, collab.objective, balance.weighting and balance.fade (issue 13)
  });

  test('non-default values give no note', () => {
    const r = parse(
      'name: demo\ndata: { interactions: seqs.txt }\ncollab:\n  weight: 0.5\n  pairs: { criterion: npmi }\n' +
        'dead_codes: { reinit: true, window: 50 }\nbalance: { weight: 0.1 }\n',
    );
    assert.deepEqual(r.problems, []);
    assert.ok(r.config);
    assert.equal(r.config.collab.weight, 0.5);
    assert.equal(r.config.collab.pairs.criterion, 'npmi');
    assert.equal(r.config.dead_codes.reinit, true);
    assert.equal(r.config.dead_codes.window, 50);
    assert.equal(r.config.balance.weight, 0.1);
    // balance and dead_codes need no interactions.
    assert.deepEqual(parse('name: demo\ndead_codes: { reinit: true }\nbalance: { weight: 0.1 }\n').problems, []);
    assert.equal(onlyError('name: demo\ndead_codes:\n  window: 0\n').key, 'dead_codes.window');
  });

  test('collab.weight > 0 without data.interactions is an error at the weight', () => {
    const e = onlyError('name: demo\ncollab:\n  weight: 0.5\n');
    assert.equal(e.key, 'collab.weight');
    assert.equal(e.message, "'collab.weight' is 0.5 but there are no 'data.interactions' to mine item pairs from");
    assert.equal(e.at, '3:11-3:14');
    // The default 0 needs nothing.
    assert.deepEqual(parse('name: demo\ncollab: { weight: 0 }\n').problems, []);
    // From --set: prefixed, no position.
    const set = onlyError('name: demo\n', ['collab.weight=0.5']);
    assert.equal(set.at, '0:0-0:0');
    assert.equal(set.message, "--set collab.weight=0.5: 'collab.weight' is 0.5 but there are no 'data.interactions' to mine item pairs from");
    assert.deepEqual(parse('name: demo\n', ['collab.weight=0.5', 'data.interactions=seqs.txt']).problems, []);
  });
});

describe('variants and grid', () => {
  test('valid sweeps resolve their paths; problems point inside', () => {
    const ok = parse('name: demo\nvariants:\n  small: { model.levels: 2, data.embeddings: e.npy }\n  plain:\ngrid:\n  train.lr: [0.001, 0.01]\n');
    assert.ok(ok.config);
    assert.deepEqual(ok.config.variants, { small: { 'model.levels': 2, 'data.embeddings': '/experiments/demo/e.npy' }, plain: {} });
    assert.deepEqual(ok.config.grid, { 'train.lr': [0.001, 0.01] });

    const bad = parse('name: demo\nvariants:\n  small:\n    model.levls: 2\n    train.lr: 0\ngrid:\n  model.levels: [2, 10]\n  name: [a]\n  train.seed: []\n');
    assert.deepEqual(
      errors(bad.problems).map((p) => [`${p.range.line}:${p.range.col}`, p.message]),
      [
        ['4:5', "unknown key 'model.levls' in variant 'small' (did you mean 'model.levels'?)"],
        ['5:15', "'train.lr' must be a number > 0 (got 0)"],
        ['7:21', "'model.levels' must be an integer from 1 to 8 (got 10)"],
        ['8:3', "'name' cannot be set in grid"],
        ['9:15', "grid 'train.seed' must be a non-empty list of values to try"],
      ],
    );
  });
});

describe('withOverrides (sweeps)', () => {
  const base = (): ExperimentConfig => {
    const r = parse('name: demo\nmodel:\n  codebook_size: 128\n');
    assert.ok(r.config);
    return r.config;
  };

  test('valid overrides give a new config; the base is untouched', () => {
    const b = base();
    const r = withOverrides(b, { 'train.seed': 7, 'model.beta': 0.5 });
    assert.deepEqual(r.problems, []);
    assert.equal(r.config?.train.seed, 7);
    assert.equal(r.config?.model.beta, 0.5);
    assert.equal(b.train.seed, 0);
  });

  test('a uniform codebook_size follows levels', () => {
    assert.deepEqual(withOverrides(base(), { 'model.levels': 4 }).config?.model.codebook_size, [128, 128, 128, 128]);
    const mixed = parse('name: demo\nmodel: { codebook_size: [256, 128, 64] }\n').config;
    assert.ok(mixed);
    const r = withOverrides(mixed, { 'model.levels': 2 });
    assert.equal(r.config, null);
    assert.match(r.problems[0].message, /has 3 sizes but 'model.levels' is 2/);
  });

  test('same rules, origin-prefixed messages without position', () => {
    const r = withOverrides(base(), { 'train.lr': 0, 'model.codebok_size': 3 }, { origin: "variant 'fast':" });
    assert.equal(r.config, null);
    assert.deepEqual(
      r.problems.map((p) => p.message),
      [
        "variant 'fast': model.codebok_size=3: unknown key 'model.codebok_size' (did you mean 'model.codebook_size'?)",
        "variant 'fast': train.lr=0: 'train.lr' must be a number > 0 (got 0)",
      ],
    );
    assert.ok(r.problems.every((p) => p.range.line === 0));
  });

  test('overridden paths resolve against baseDir and are checked', () => {
    const r = withOverrides(base(), { 'data.embeddings': 'Scientific.emb512.f32', 'data.embedding_dim': 512 }, { baseDir: scientific });
    assert.deepEqual(r.problems, []);
    assert.equal(r.config?.data.embeddings, path.join(scientific, 'Scientific.emb512.f32'));
    const missing = withOverrides(base(), { 'data.embeddings': 'gone.npy' }, { baseDir: scientific });
    assert.equal(missing.problems[0].message, `override data.embeddings=gone.npy: 'data.embeddings': file not found: ${path.join(scientific, 'gone.npy')}`);
  });

  test('an override turning on features.fuse without interactions is an error', () => {
    const r = withOverrides(base(), { 'features.fuse': ['cooccurrence'] });
    assert.equal(r.config, null);
    assert.deepEqual(r.problems.map((p) => [p.severity, p.key]), [['error', 'features.fuse']]);
  });

  test('active seed keys: no note; the collab rule sees the base interactions', () => {
    const balanced = withOverrides(base(), { 'balance.weight': 0.1 });
    assert.deepEqual(balanced.problems, []);
    assert.equal(balanced.config?.balance.weight, 0.1);
    const noPairs = withOverrides(base(), { 'collab.weight': 0.5 });
    assert.equal(noPairs.config, null);
    assert.deepEqual(
      noPairs.problems.map((p) => [p.severity, p.message]),
      [['error', "override collab.weight=0.5: 'collab.weight' is 0.5 but there are no 'data.interactions' to mine item pairs from"]],
    );
    const withSeqs = parse('name: demo\ndata: { interactions: seqs.txt }\n').config;
    assert.ok(withSeqs);
    const r = withOverrides(withSeqs, { 'collab.weight': 0.5 });
    assert.deepEqual(r.problems, []);
    assert.equal(r.config?.collab.weight, 0.5);
  });
});

describe('formatProblem and loadExperiment', () => {
  test('file:line:col: message, severity named for non-errors, --set alone', () => {
    const range = { line: 4, col: 3, endLine: 4, endCol: 15 };
    assert.equal(formatProblem('e.yaml', { severity: 'error', key: 'k', message: 'bad', range }), 'e.yaml:4:3: bad');
    assert.equal(formatProblem('e.yaml', { severity: 'info', key: 'k', message: 'note', range }), 'e.yaml:4:3: info: note');
    const none = { line: 0, col: 0, endLine: 0, endCol: 0 };
    assert.equal(formatProblem('e.yaml', { severity: 'error', key: 'k', message: '--set k=1: bad', range: none }), '--set k=1: bad');
    assert.equal(formatProblem('e.yaml', { severity: 'error', key: null, message: 'gone', range: none }), 'e.yaml: gone');
  });

  test('errors throw ExperimentError with every error, one per line', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'bad.rqvae.yaml');
    fs.writeFileSync(file, 'name: demo\ndata: { items: missing.jsonl }\ntrain:\n  lr: 0\n');
    await assert.rejects(loadExperiment(file, ['model.levels=0']), (err: unknown) => {
      assert.ok(err instanceof ExperimentError);
      assert.equal(err.problems.length, 3);
      assert.equal(
        err.message,
        [
          `${file}:2:16: 'data.items': file not found: ${path.join(dir, 'missing.jsonl')}`,
          `${file}:4:7: 'train.lr' must be a number > 0 (got 0)`,
          "--set model.levels=0: 'model.levels' must be an integer from 1 to 8 (got 0)",
        ].join('\n'),
      );
      return true;
    });
    await assert.rejects(loadExperiment(path.join(dir, 'nope.yaml')), /nope\.yaml: cannot read the experiment file/);
  });

  test('a valid file loads; warnings and infos go to onProblem', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'items.jsonl'), '{"id":"a","title":"A"}\n');
    const file = path.join(dir, 'ok.rqvae.yaml');
    fs.writeFileSync(file, 'name: !label demo\nbalance: { weight: 0.2 }\n');
    const seen: string[] = [];
    const config = await loadExperiment(file, ['train.epochs=3'], { onProblem: (p) => seen.push(formatProblem(file, p)) });
    assert.equal(config.train.epochs, 3);
    assert.equal(config.data.items, path.join(dir, 'items.jsonl'));
    assert.equal(config.balance.weight, 0.2);
    assert.equal(config.name, 'demo');
    // balance is active (no note); the unknown YAML tag is a warning.
    assert.deepEqual(seen, [`${file}:1:7: warning: YAML: Unresolved tag: !label`]);
  });
});

describe('serializeConfig', () => {
  test('round-trips a resolved config exactly', () => {
    const exp = path.join(scientific, 'x.rqvae.yaml');
    const text = [
      'name: "123"',
      'data: { items: Scientific.text, id_field: "item_id:token", embeddings: Scientific.emb512.f32, embedding_dim: 512,',
      '        item_index: Scientific.item2index, interactions: Scientific.inter, text_fields: [text, "yes"] }',
      'model: { encoder: [], levels: 4, codebook_size: [256, 256, 128, 64], beta: 0 }',
      'train: { lr: 1.5e-7, seed: 4294967295, optimizer: adagrad, kmeans_init: false }',
      'collab: { weight: 0.25, pairs: { threshold: -3.5, max_per_item: 20, window: 0 } }',
      'engine: { backend: wasm, threads: 2 }',
      'output: { dir: /tmp/somewhere/runs }',
      'variants: { small: { model.levels: 2, model.codebook_size: 64 } }',
      'grid: { train.lr: [0.001, 0.0001], data.item_index: [Scientific.item2index] }',
    ].join('\n');
    const first = parseExperiment(text, exp);
    assert.ok(first.config, JSON.stringify(first.problems));
    const yaml = serializeConfig(first.config);
    assert.ok(yaml.includes(`items: ${path.join(scientific, 'Scientific.text')}`));
    // Read back from anywhere: paths are absolute, every default is written.
    const again = parseExperiment(yaml, '/elsewhere/config.yaml');
    assert.deepEqual(again.problems.filter((p) => p.severity !== 'info'), []);
    assert.deepEqual(again.config, first.config);
    assert.equal(serializeConfig(again.config as ExperimentConfig), yaml);
  });

  test('writes every key', () => {
    const config = parse('name: demo\n').config;
    assert.ok(config);
    const yaml = serializeConfig(config);
    for (const k of KEYS) assert.ok(yaml.includes(`${k.path.split('.').pop()}:`), k.path);
  });
});

describe('a run\'s resolved config.yaml', () => {
  test('a key added after the run takes the value that reproduces it, not today\'s default', async () => {
    const config = parse('name: demo\nbalance: { weight: 0.1 }\n').config;
    assert.ok(config);
    assert.equal(config.balance.fade, true); // today's default
    // Written before balance.fade existed: the run trained without it.
    const older = serializeConfig(config).replace(/^ {2}fade: true\n/m, '');
    assert.ok(!older.includes('fade:'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semid-runconfig-'));
    try {
      const file = path.join(dir, 'config.yaml');
      assert.equal(parseExperiment(older, file, { checkFiles: false }).config?.balance.fade, true);
      fs.writeFileSync(file, older);
      const run = await loadRunConfig(dir);
      assert.equal(run.balance.fade, false);
      assert.equal(run.balance.weight, 0.1);
      // A key the file has is read as written.
      fs.writeFileSync(file, serializeConfig(config));
      assert.equal((await loadRunConfig(dir)).balance.fade, true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configHash', () => {
  const config = (extra = '', overrides?: string[]): ExperimentConfig => {
    const r = parse(`name: demo\n${extra}`, overrides);
    assert.ok(r.config, JSON.stringify(r.problems));
    return r.config;
  };

  test('12 hex digits, stable across key order in the object', () => {
    const a = config();
    const h = configHash(a);
    assert.match(h, /^[0-9a-f]{12}$/);
    const reverseKeys = (v: unknown): unknown =>
      typeof v === 'object' && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]))
        : v;
    const reversed = reverseKeys(a) as ExperimentConfig;
    assert.notEqual(JSON.stringify(reversed), JSON.stringify(a));
    assert.equal(configHash(reversed), h);
    assert.equal(configHash(config('train: { lr: 0.001 }\n')), h); // explicit default = same model
  });

  test('changes with what is trained, not with where it goes or what runs it', () => {
    const h = configHash(config());
    assert.notEqual(configHash(config('', ['train.seed=1'])), h);
    assert.notEqual(configHash(config('', ['model.codebook_size=[256,256,128]'])), h);
    const withSeqs = configHash(config('', ['data.interactions=seqs.txt']));
    assert.notEqual(withSeqs, h);
    assert.notEqual(configHash(config('', ['data.interactions=seqs.txt', 'collab.weight=0.1'])), withSeqs);
    assert.notEqual(configHash(config('', ['balance.weight=0.1'])), h);
    assert.notEqual(configHash(config('', ['data.interactions=seqs.txt', 'features.fuse=[cooccurrence]'])), withSeqs);
    assert.equal(configHash({ ...config(), name: 'other' }), h);
    assert.equal(configHash(config('', ['output.dir=/else', 'engine.backend=cpu', 'engine.threads=1'])), h);
    assert.equal(configHash(config('grid: { train.seed: [1, 2] }\n')), h);
    // threshold null means the criterion default.
    assert.equal(configHash(config('', ['collab.pairs.threshold=10.83'])), h);
  });

  test('a key added later is left out at its hashOmittedAt value: finished runs keep their hash', () => {
    const base = config('', ['data.interactions=seqs.txt']);
    // As if collab.objective had just been added with 'pairs' as the behaviour before it.
    const keys = KEYS.map((k) => (k.path === 'collab.objective' ? { ...k, hashOmittedAt: 'pairs' } : k));
    const { objective: _objective, ...collabBefore } = base.collab;
    const before = { ...base, collab: collabBefore } as unknown as ExperimentConfig;
    assert.equal(configHash(base, keys), configHash(before, keys));
    assert.equal(configHash(base, keys), configHash(before)); // the run hashed before the key existed
    assert.notEqual(configHash(base), configHash(before)); // without the declaration the hash moves
    const items = config('', ['data.interactions=seqs.txt', 'collab.objective=items']);
    assert.notEqual(configHash(items, keys), configHash(base, keys));
    assert.equal(base.collab.objective, 'pairs'); // the config itself is not touched
  });
});

describe('JSON Schema', () => {
  test('the file on disk is what the key table produces (run scripts/write-schema.ts)', () => {
    const onDisk = fs.readFileSync(path.join(repoRoot, 'schemas', 'experiment.schema.json'), 'utf8');
    assert.equal(onDisk, experimentSchemaText());
  });

  test('draft-07, closed objects, every key with description and default', () => {
    const schema = buildExperimentSchema();
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required, ['name']);
    for (const spec of KEYS) {
      let node: JsonSchema = schema;
      for (const part of spec.path.split('.')) {
        if (node !== schema) assert.equal(node.additionalProperties, false, spec.path);
        node = (node.properties as JsonSchema)[part] as JsonSchema;
        assert.ok(node, spec.path);
      }
      assert.equal(typeof node.description, 'string', spec.path);
      if (spec.path !== 'name') assert.deepEqual(node.default, spec.default, spec.path);
    }
    const levels = ((schema.properties as JsonSchema).model as JsonSchema).properties as JsonSchema;
    assert.deepEqual(levels.levels, { ...(levels.levels as JsonSchema), type: 'integer', minimum: 1, maximum: 8 });
    const lr = (((schema.properties as JsonSchema).train as JsonSchema).properties as JsonSchema).lr as JsonSchema;
    assert.equal(lr.exclusiveMinimum, 0);
  });
});
