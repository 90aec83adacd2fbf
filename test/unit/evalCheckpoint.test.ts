// The evaluation checkpoint (eval/evalCheckpoint.ts): a save never removes the tensors
// state.json names, so a save that dies midway leaves the previous checkpoint loadable.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpdir } from 'node:os';
import { initBackend } from '../../src/engine/tf/backend';
import type { TF } from '../../src/engine/tf/types';
import { defaultConfig, type ExperimentConfig } from '../../src/engine/config/experiment';
import { EvalCheckpoint } from '../../src/engine/eval/evalCheckpoint';
import { fitRanker, type FitState, type NamedTensor } from '../../src/engine/eval/fit';
import { SasRec } from '../../src/engine/eval/model/sasrec';
import { evalRandom } from '../../src/engine/eval/streams';

let tf: TF;
const root = fs.mkdtempSync(path.join(tmpdir(), 'eval-checkpoint-'));
before(async () => {
  tf = (await initBackend('wasm', null)).tf;
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A run directory with IDs and interactions, and its config. */
function run(name: string): { runDir: string; config: ExperimentConfig } {
  const runDir = path.join(root, name);
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(path.join(runDir, 'semantic_ids.jsonl'), '{"id":"a"}\n');
  const interactions = path.join(runDir, 'interactions.txt');
  fs.writeFileSync(interactions, 'u1 a b c\n');
  const items = path.join(runDir, 'items.jsonl');
  fs.writeFileSync(items, '{"id":"a"}\n{"id":"b"}\n{"id":"c"}\n');
  const itemIndex = path.join(runDir, 'items.item2index');
  fs.writeFileSync(itemIndex, 'a\t0\nb\t1\nc\t2\n');
  const base = defaultConfig();
  return { runDir, config: { ...base, name, data: { ...base.data, items, item_index: itemIndex, interactions } } };
}

function position(): FitState {
  return {
    epoch: 2, batch: 0, epochOrder: [1, 2], dropout: [3, 4], steps: 5, lossSum: 0, lossCount: 0,
    bestEpoch: 1, bestRecall: 0.5, bestNdcg: 0.4, sinceBest: 0, seconds: 1, optimizerStep: 5, finished: null,
  };
}

function stateFile(runDir: string): { models: { retriever?: { tensors?: string } } } {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'eval_checkpoint', 'state.json'), 'utf8')) as { models: { retriever?: { tensors?: string } } };
}

describe('eval checkpoint', () => {
  it('a second save at the same position that dies midway leaves the first loadable', () => {
    const { runDir, config } = run('same-position');
    const w = tf.variable(tf.tensor1d([1, 2, 3]), false);
    const store = new EvalCheckpoint(tf, runDir, config, 'no', 'wasm').fitStore('retriever');
    store.save(position(), [{ name: 'w', tensor: w }]);
    const first = stateFile(runDir).models.retriever?.tensors;
    assert.ok(first && fs.existsSync(path.join(runDir, 'eval_checkpoint', first)));

    // A stop requested right after the epoch-end save: same position; the write fails (a disposed tensor stands in for a kill).
    const broken = tf.variable(tf.tensor1d([7, 8, 9]), false);
    broken.dispose();
    const tensors: NamedTensor[] = [{ name: 'w', tensor: broken }];
    assert.throws(() => store.save({ ...position(), seconds: 2 }, tensors));
    assert.equal(stateFile(runDir).models.retriever?.tensors, first);

    const target = tf.variable(tf.zeros([3]), false);
    const state = new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm').fitStore('retriever').load([{ name: 'w', tensor: target }]);
    assert.equal(state?.seconds, 1);
    assert.deepEqual([...target.dataSync()], [1, 2, 3]);

    // A save at the same position that completes goes to a fresh folder and drops the old one.
    const w2 = tf.variable(tf.tensor1d([4, 5, 6]), false);
    const again = new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm').fitStore('retriever');
    again.save({ ...position(), seconds: 3 }, [{ name: 'w', tensor: w2 }]);
    const second = stateFile(runDir).models.retriever?.tensors;
    assert.ok(second && second !== first && fs.existsSync(path.join(runDir, 'eval_checkpoint', second)));
    assert.ok(!fs.existsSync(path.join(runDir, 'eval_checkpoint', first)));
    const loaded = tf.variable(tf.zeros([3]), false);
    new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm').fitStore('retriever').load([{ name: 'w', tensor: loaded }]);
    assert.deepEqual([...loaded.dataSync()], [4, 5, 6]);
    for (const v of [w, target, w2, loaded]) v.dispose();
  });

  it('a checkpoint that fails to load leaks no tensors of the fit', async () => {
    const { runDir, config } = run('bad-load');
    const w = tf.variable(tf.tensor1d([1, 2, 3]), false);
    // Tensors of another model: the fit's weights are missing from it.
    new EvalCheckpoint(tf, runDir, config, 'no', 'wasm').fitStore('sasrec').save(position(), [{ name: 'w', tensor: w }]);
    w.dispose();
    let model!: SasRec;
    tf.tidy(() => {
      model = new SasRec(tf, { layers: 1, heads: 1, dModel: 8, ff: 16, dropout: 0, maxHistory: 4 }, 10, evalRandom(0, 'sasrec/init'));
    });
    const before = tf.memory().numTensors;
    const store = new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm').fitStore('sasrec');
    const hooks = { onEpoch: () => {}, stopRequested: () => false };
    await assert.rejects(fitRanker(tf, 'sasrec', model, [], [], config.eval.retrieval, hooks, store), /tensor weights\/0 missing/);
    assert.equal(tf.memory().numTensors, before);
    for (const v of model.variables) v.dispose();
  });

  it('refuses a resume on another backend or changed input files, and starts over under if-present', () => {
    const { runDir, config } = run('inputs');
    const w = tf.variable(tf.tensor1d([1, 2, 3]), false);
    new EvalCheckpoint(tf, runDir, config, 'no', 'wasm').fitStore('retriever').save(position(), [{ name: 'w', tensor: w }]);
    w.dispose();
    assert.equal(new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm').resumed, true);
    assert.throws(() => new EvalCheckpoint(tf, runDir, config, 'yes', 'cpu'), /other inputs \(backend wasm then, cpu now\)/);

    // Same size, other content: a size-and-date check could miss it, the hash does not.
    const interactions = config.data.interactions as string;
    fs.writeFileSync(interactions, 'u1 a c b\n');
    assert.throws(() => new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm'), (e: Error) => e.message.includes(`${interactions} changed`));
    fs.writeFileSync(interactions, 'u1 a b c\n');
    // The item index maps the interactions' names to rows: another mapping is another input.
    const itemIndex = config.data.item_index as string;
    fs.writeFileSync(itemIndex, 'a\t0\nb\t2\nc\t1\n');
    assert.throws(() => new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm'), (e: Error) => e.message.includes(`${itemIndex} changed`));
    fs.writeFileSync(itemIndex, 'a\t0\nb\t1\nc\t2\n');
    fs.writeFileSync(config.data.items, '{"id":"a"}\n{"id":"c"}\n{"id":"b"}\n');
    assert.throws(() => new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm'), (e: Error) => e.message.includes(`${config.data.items} changed`));
    fs.writeFileSync(path.join(runDir, 'semantic_ids.jsonl'), '{"id":"b"}\n');
    assert.throws(() => new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm'), /semantic_ids\.jsonl changed/);
    assert.ok(stateFile(runDir).models.retriever?.tensors, 'a refused resume keeps the checkpoint');

    const fresh = new EvalCheckpoint(tf, runDir, config, 'if-present', 'wasm');
    assert.equal(fresh.resumed, false);
    assert.equal(stateFile(runDir).models.retriever, undefined);
    assert.equal(new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm').resumed, true);
  });

  it('refuses a resume with the other retriever architecture; a checkpoint from before the key resumes as decoder', () => {
    const { runDir, config } = run('architecture');
    const w = tf.variable(tf.tensor1d([1, 2, 3]), false);
    new EvalCheckpoint(tf, runDir, config, 'no', 'wasm').fitStore('retriever').save(position(), [{ name: 'w', tensor: w }]);
    w.dispose();
    const encoderDecoder: ExperimentConfig = { ...config, eval: { ...config.eval, retrieval: { ...config.eval.retrieval, architecture: 'encoder-decoder' } } };
    assert.throws(() => new EvalCheckpoint(tf, runDir, encoderDecoder, 'yes', 'wasm'), /eval\.retrieval\.architecture: "decoder" then, "encoder-decoder" now/);
    assert.ok(stateFile(runDir).models.retriever?.tensors, 'a refused resume keeps the checkpoint');
    assert.equal(new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm').resumed, true);

    // state.json as written before eval.retrieval.architecture existed.
    const file = path.join(runDir, 'eval_checkpoint', 'state.json');
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { eval: { retrieval: Record<string, unknown> } };
    delete state.eval.retrieval.architecture;
    fs.writeFileSync(file, JSON.stringify(state));
    assert.equal(new EvalCheckpoint(tf, runDir, config, 'yes', 'wasm').resumed, true);
    assert.throws(() => new EvalCheckpoint(tf, runDir, encoderDecoder, 'yes', 'wasm'), /architecture: "decoder" then/);
  });
});
