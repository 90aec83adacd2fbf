import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseExperiment } from '../../src/engine/config';
import { serializeConfig } from '../../src/engine/config/serialize';

const EXAMPLE_DIR = path.resolve(__dirname, '..', '..', 'examples', 'scientific');
const file = path.join(EXAMPLE_DIR, 'x.rqvae.yaml');
const BASE = `name: x
data:
  items: data/Scientific.text
  id_field: item_id
  embeddings: data/Scientific.emb512.f32
  embedding_dim: 512
  item_index: data/Scientific.item2index
  interactions: data/Scientific.test.inter
`;

describe('eval block in the experiment file', () => {
  it('is off without a block, on with one (even empty), and an explicit enabled wins', () => {
    assert.equal(parseExperiment(BASE, file).config?.eval.enabled, false);
    assert.equal(parseExperiment(`${BASE}eval: {}\n`, file).config?.eval.enabled, true);
    const withBlock = parseExperiment(`${BASE}eval:\n  retrieval: { layers: 1, beams: 30 }\n`, file).config;
    assert.equal(withBlock?.eval.enabled, true);
    assert.equal(withBlock?.eval.retrieval.layers, 1);
    assert.equal(withBlock?.eval.retrieval.beams, 30);
    assert.deepEqual(withBlock?.eval.baselines, ['popularity', 'sasrec']);
    assert.equal(parseExperiment(`${BASE}eval: { enabled: false }\n`, file).config?.eval.enabled, false);
  });

  it('selects the retriever architecture: decoder by default, encoder-decoder on request, anything else refused', () => {
    assert.equal(parseExperiment(`${BASE}eval: {}\n`, file).config?.eval.retrieval.architecture, 'decoder');
    const encoderDecoder = parseExperiment(`${BASE}eval:\n  retrieval: { architecture: encoder-decoder }\n`, file).config;
    assert.equal(encoderDecoder?.eval.retrieval.architecture, 'encoder-decoder');
    assert.ok(encoderDecoder);
    assert.equal(parseExperiment(serializeConfig(encoderDecoder), file).config?.eval.retrieval.architecture, 'encoder-decoder');
    const bad = parseExperiment(`${BASE}eval:\n  retrieval: { architecture: transformer }\n`, file);
    assert.equal(bad.config, null);
    assert.match(bad.problems.map((p) => p.message).join('\n'), /eval\.retrieval\.architecture.*decoder.*encoder-decoder/);
  });

  it('round-trips through the resolved config.yaml', () => {
    const config = parseExperiment(`${BASE}eval: { baselines: [popularity] }\n`, file).config;
    assert.ok(config);
    const again = parseExperiment(serializeConfig(config), file).config;
    assert.deepEqual(again?.eval, config.eval);
    const off = parseExperiment(BASE, file).config;
    assert.ok(off);
    assert.equal(parseExperiment(serializeConfig(off), file).config?.eval.enabled, false);
  });

  it('reports bad values with their position and the cross-key rules', () => {
    const bad = parseExperiment(`${BASE}eval:\n  retrieval: { beams: 5 }\n`, file);
    assert.equal(bad.config, null);
    assert.match(JSON.stringify(bad.problems), /eval\.retrieval\.beams/);
    const heads = parseExperiment(`${BASE}eval:\n  retrieval: { heads: 3 }\n`, file);
    assert.match(heads.problems.map((p) => p.message).join('\n'), /'eval.retrieval.heads' \(3\) must divide 'eval.retrieval.d_model' \(128\)/);
    const noData = parseExperiment(BASE.replace(/ {2}interactions:.*\n/, '') + 'eval: {}\n', file);
    assert.match(noData.problems.map((p) => p.message).join('\n'), /needs 'data.interactions'/);
    const unknown = parseExperiment(`${BASE}eval:\n  retrieval: { beam: 5 }\n`, file);
    assert.match(unknown.problems.map((p) => p.message).join('\n'), /unknown key 'eval.retrieval.beam' \(did you mean 'beams'\?\)/);
  });
});
