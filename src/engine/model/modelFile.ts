import * as fs from 'node:fs';
import type { TF } from '../tf/types';
import { Random } from '../util/random';
import { RqVae, type RqVaeShape } from './rqvae';
import { writeTensors, readManifest, readTensorsInto } from './tensorFile';

/**
 * model/ in a run directory: the trained encoder, decoder and codebooks, and with
 * `features.fuse` the fused input's encoder (its size is in the stored shape). That is
 * all `semid ids` needs: the run's own items keep their IDs, and a new item has no
 * collaborative pairs, so its fused input is zeros (RqVae.encode on content-only rows).
 */
const BASE = 'weights';

export function saveModel(dir: string, model: RqVae, meta: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true });
  writeTensors(dir, BASE, model.namedVariables(), { ...meta, shape: model.shape });
}

export function loadModel(tf: TF, dir: string): RqVae {
  const manifest = readManifest(dir, BASE);
  const shape = manifest.meta.shape as RqVaeShape | undefined;
  if (!shape || !Array.isArray(shape.codebookSizes)) throw new Error(`${dir}: model manifest has no architecture`);
  const model = new RqVae(tf, shape, Random.derive(0, 'model-file'));
  readTensorsInto(tf, dir, BASE, model.namedVariables());
  return model;
}
