import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadExperiment } from '../../src/engine/config';
import { runTrainJob } from '../../src/engine/jobs/trainJob';
import type { JobListener } from '../../src/engine/jobs/runRecorder';
import { EXAMPLE, tempDir } from '../support/cli';

// The example with a small model: 1,585 items at batch 256 = 7 steps an epoch.
const SMALL = ['train.epochs=3', 'model.encoder=[64]', 'model.latent_dim=16', 'model.codebook_size=32', 'engine.backend=wasm'];

/** A listener that asks for a stop once `stopAt` steps are done (null: never). */
function listener(stopAt: number | null): JobListener {
  let steps = 0;
  return {
    onEvent: (e) => {
      if (e.type === 'losses') steps = e.step;
    },
    log: () => undefined,
    stopRequested: () => stopAt !== null && steps >= stopAt,
  };
}

// Dead-code re-initialisation every 3 steps: re-initialised rows' own Adam step counts
// must come back from the checkpoint for the resumed steps to match.
const REINIT = ['dead_codes.reinit=true', 'dead_codes.window=3'];

// The collaborative term, gradient-weighted: the reference gradient norm (a moving
// average over steps) must come back from the checkpoint too.
const GRADIENT = ['collab.weight=1', 'collab.similarity=centred', 'collab.weighting=gradient', 'collab.pairs_per_step=64'];

// The balance term at its defaults (relative temperature, gradient weighting): the
// reference and the codebooks' factor from the step before must come back too.
const BALANCE = ['balance.weight=0.1'];

for (const [stopAt, extra, what] of [[7, [], ''], [10, [], ''], [10, REINIT, ', re-initialising dead codes,'], [10, GRADIENT, ', with a gradient-weighted collaborative term,'], [10, BALANCE, ', with a gradient-weighted balance term,']] as [number, string[], string][]) {
  test(`stopped after step ${stopAt} (${stopAt % 7 === 0 ? 'an epoch boundary' : 'mid-epoch'})${what} and resumed: the same IDs`, async () => {
    const out = tempDir('boundary');
    try {
      const config = await loadExperiment(EXAMPLE, [...SMALL, ...extra, `output.dir=${JSON.stringify(out)}`]);
      const whole = await runTrainJob({ config, experimentPath: EXAMPLE, variant: null, resumeDir: null }, listener(null));
      const stopped = await runTrainJob({ config, experimentPath: EXAMPLE, variant: null, resumeDir: null }, listener(stopAt));
      assert.equal(stopped.summary.status, 'interrupted');
      assert.equal(stopped.summary.steps, stopAt);
      const resumed = await runTrainJob({ config, experimentPath: EXAMPLE, variant: null, resumeDir: stopped.runDir }, listener(null));
      assert.equal(resumed.summary.status, 'completed');
      assert.equal(resumed.summary.steps, 21);
      const ids = (dir: string): string => fs.readFileSync(path.join(dir, 'semantic_ids.jsonl'), 'utf8');
      assert.equal(ids(resumed.runDir), ids(whole.runDir));
      // IDs can survive a small difference; the trained model's loss cannot.
      assert.equal(resumed.summary.recon_loss, whole.summary.recon_loss);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
}
