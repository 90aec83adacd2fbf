/**
 * The experiment rules, applied to located values whatever their source (file,
 * `--set`, sweep overrides): per-key type and range, defaults, relative paths made
 * absolute, rules across keys, and data files that must exist.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WASM_MEMORY_BYTES, gib, peakCodeMatrixBytes } from '../model/memoryBudget';
import { virtualFileSystemOf } from '../run/virtualFileSystem';
import { ExperimentConfig } from './experiment';
import { checkValue, isPlainObject } from './checkValue';
import { isSweepableKey, KEYS, keySpec, KeySpec, SAFE_NAME_PATTERN } from './keys';
import { Entry, Positions, ProblemList, Spot } from './located';
import { ProblemRange } from './problems';
import { closest } from './suggest';

export interface ResolveContext {
  /** Folder that relative paths are relative to (the experiment file's). */
  baseDir: string;
  checkFiles: boolean;
  positions: Positions;
  problems: ProblemList;
  /** Where to point at a problem with no key in the file (a missing `name`). */
  anchor: ProblemRange;
}

const SAFE_NAME = new RegExp(SAFE_NAME_PATTERN);

/** The resolved config, or null when any error was reported. */
export function resolveEntries(entries: Map<string, Entry>, ctx: ResolveContext): ExperimentConfig | null {
  const values = new Map<string, unknown>();
  const bad = new Set<string>();

  for (const spec of KEYS) {
    const entry = entries.get(spec.path);
    if (entry === undefined) {
      if (spec.required) {
        ctx.problems.add('error', spec.path, `'${spec.path}' is required (runs go to <output.dir>/<name>/<run-id>/)`, ctx.anchor);
        bad.add(spec.path);
      } else {
        const value = structuredClone(spec.default);
        values.set(spec.path, spec.kind === 'path' && typeof value === 'string' ? absolute(ctx, value) : value);
      }
      continue;
    }
    const check = checkValue(spec, entry.value);
    if (!check.ok) {
      const spot = check.index === undefined ? entry : ctx.positions.item(entry, check.index);
      ctx.problems.at(spot, 'error', spec.path, check.message);
      bad.add(spec.path);
      continue;
    }
    let value = check.value;
    if (spec.kind === 'path' && typeof value === 'string') value = absolute(ctx, value);
    if (spec.path === 'variants' && isPlainObject(value)) value = resolveVariants(entry, value, ctx);
    if (spec.path === 'grid' && isPlainObject(value)) value = resolveGrid(entry, value, ctx);
    values.set(spec.path, value);
  }

  crossKeyRules(values, entries, bad, ctx);
  if (ctx.checkFiles) dataFileRules(values, entries, bad, ctx);

  if (ctx.problems.hasErrors()) return null;
  const root: Record<string, unknown> = {};
  for (const spec of KEYS) setPath(root, spec.path, values.get(spec.path));
  // The table and ExperimentConfig describe the same keys (a unit test checks it).
  return root as unknown as ExperimentConfig;
}

function absolute(ctx: ResolveContext, p: string): string {
  return path.resolve(ctx.baseDir, p);
}

/** Where to report a rule about `key`: its entry, else the anchor. */
function spotOf(entries: Map<string, Entry>, key: string, ctx: ResolveContext): Spot {
  return entries.get(key) ?? { node: null, range: ctx.anchor, keyRange: ctx.anchor, origin: null };
}

function crossKeyRules(values: Map<string, unknown>, entries: Map<string, Entry>, bad: Set<string>, ctx: ResolveContext): void {
  // codebook_size: one number repeated per level, or exactly one size per level.
  if (!bad.has('model.levels') && !bad.has('model.codebook_size')) {
    const levels = values.get('model.levels') as number;
    const sizes = values.get('model.codebook_size');
    if (Array.isArray(sizes)) {
      if (sizes.length !== levels) {
        ctx.problems.at(
          spotOf(entries, 'model.codebook_size', ctx),
          'error',
          'model.codebook_size',
          `'model.codebook_size' has ${sizes.length} sizes but 'model.levels' is ${levels}: give one size per level, or one number for all`,
        );
        bad.add('model.codebook_size');
      }
    } else if (typeof sizes === 'number') {
      values.set('model.codebook_size', new Array<number>(levels).fill(sizes));
    }
  }

  memoryRule(values, entries, bad, ctx);

  const embeddings = values.get('data.embeddings');
  if (typeof embeddings === 'string' && isRawF32(embeddings) && values.get('data.embedding_dim') === null && !bad.has('data.embedding_dim')) {
    ctx.problems.at(
      spotOf(entries, 'data.embeddings', ctx),
      'error',
      'data.embedding_dim',
      `'data.embedding_dim' is required when 'data.embeddings' is a raw .f32 file (it has no header to read the width from)`,
    );
    bad.add('data.embedding_dim');
  }

  const textFields = values.get('data.text_fields');
  if (embeddings === null && !bad.has('data.embeddings') && Array.isArray(textFields) && textFields.length === 0) {
    ctx.problems.at(
      spotOf(entries, 'data.text_fields', ctx),
      'error',
      'data.text_fields',
      `'data.text_fields' is empty and there are no 'data.embeddings': nothing to make item features from`,
    );
  }

  const noInteractions = values.get('data.interactions') === null && !bad.has('data.interactions');
  const weight = values.get('collab.weight');
  // collab.pairs.file: the pairs were mined elsewhere, nothing to mine here.
  const pairsFile = values.get('collab.pairs.file') !== null || bad.has('collab.pairs.file');
  if (noInteractions && !pairsFile && typeof weight === 'number' && weight > 0) {
    ctx.problems.at(spotOf(entries, 'collab.weight', ctx), 'error', 'collab.weight',
      `'collab.weight' is ${weight} but there are no 'data.interactions' to mine item pairs from`);
  }
  if (values.get('eval.enabled') === true && noInteractions) {
    ctx.problems.at(spotOf(entries, 'eval.enabled', ctx), 'error', 'eval.enabled',
      `the 'eval' block needs 'data.interactions': retrieval is evaluated on users' next items`);
  }
  const heads = values.get('eval.retrieval.heads');
  const dModel = values.get('eval.retrieval.d_model');
  if (typeof heads === 'number' && typeof dModel === 'number' && dModel % heads !== 0) {
    ctx.problems.at(spotOf(entries, entries.has('eval.retrieval.heads') ? 'eval.retrieval.heads' : 'eval.retrieval.d_model', ctx), 'error',
      'eval.retrieval.heads', `'eval.retrieval.heads' (${heads}) must divide 'eval.retrieval.d_model' (${dModel})`);
  }
  const fuse = values.get('features.fuse');
  if (noInteractions && Array.isArray(fuse) && fuse.includes('cooccurrence')) {
    ctx.problems.at(spotOf(entries, 'features.fuse', ctx), 'error', 'features.fuse',
      `'features.fuse' has 'cooccurrence' but there are no 'data.interactions' to count it from`);
  }
}

/**
 * Codebooks that cannot fit in the backend's memory are refused here, with the arithmetic,
 * rather than crashing mid-run. wasm (and `auto`, which falls back to it) has 4 GiB in
 * all; cpu has the machine's memory; native/gpu are bounded by a device unknown here.
 */
function memoryRule(values: Map<string, unknown>, entries: Map<string, Entry>, bad: Set<string>, ctx: ResolveContext): void {
  if (bad.has('model.codebook_size') || bad.has('train.batch_size') || bad.has('engine.backend')) return;
  const sizes = values.get('model.codebook_size');
  const batch = values.get('train.batch_size');
  const backend = values.get('engine.backend');
  if (!Array.isArray(sizes) || sizes.length === 0 || typeof batch !== 'number') return;
  let budget: { bytes: number; what: string };
  if (backend === 'wasm' || backend === 'auto') {
    budget = { bytes: WASM_MEMORY_BYTES, what: `the ${gib(WASM_MEMORY_BYTES)} the wasm backend can address${backend === 'auto' ? " ('engine.backend: auto' falls back to it)" : ''}` };
  } else if (backend === 'cpu') {
    budget = { bytes: os.totalmem(), what: `this machine's ${gib(os.totalmem())} of memory` };
  } else {
    return;
  }
  const peak = peakCodeMatrixBytes(sizes as number[], batch, values.get('train.kmeans_init') === true);
  if (peak.bytes <= budget.bytes) return;
  ctx.problems.at(
    spotOf(entries, entries.has('model.codebook_size') ? 'model.codebook_size' : 'train.batch_size', ctx),
    'error',
    'model.codebook_size',
    `'model.codebook_size' [${(sizes as number[]).join(', ')}] with 'train.batch_size' ${batch} cannot fit: ${peak.phase} needs about ${gib(peak.bytes)}, ` +
      `more than ${budget.what}; use fewer codes or a smaller batch, or 'engine.backend: native' / 'gpu' with enough device memory`,
  );
  bad.add('model.codebook_size');
}

function isRawF32(p: string): boolean {
  return /\.f32$/i.test(p);
}

function dataFileRules(values: Map<string, unknown>, entries: Map<string, Entry>, bad: Set<string>, ctx: ResolveContext): void {
  for (const spec of KEYS) {
    const value = values.get(spec.path);
    const entry = entries.get(spec.path);
    if (!spec.mustExist || typeof value !== 'string' || bad.has(spec.path) || entry?.fromBase) continue;
    const problem = fileProblem(spec.path, value);
    if (problem !== null) {
      ctx.problems.at(spotOf(entries, spec.path, ctx), 'error', spec.path, problem);
      bad.add(spec.path);
    }
  }

  const outputDir = values.get('output.dir');
  if (typeof outputDir === 'string' && !bad.has('output.dir')) {
    const virtual = virtualFileSystemOf(outputDir);
    if (virtual !== null) {
      ctx.problems.at(spotOf(entries, 'output.dir', ctx), 'error', 'output.dir',
        `'output.dir' ${outputDir} is on ${virtual.mount}, a ${virtual.type} virtual file system where run directories cannot be written; choose a folder on a disk`);
      bad.add('output.dir');
    }
  }

  // A raw .f32 file must hold whole rows of embedding_dim float32 values.
  const embeddings = values.get('data.embeddings');
  const dim = values.get('data.embedding_dim');
  if (typeof embeddings === 'string' && isRawF32(embeddings) && typeof dim === 'number' && !bad.has('data.embeddings')) {
    const bytes = fs.statSync(embeddings).size;
    if (bytes % (4 * dim) !== 0) {
      ctx.problems.at(spotOf(entries, entries.has('data.embedding_dim') ? 'data.embedding_dim' : 'data.embeddings', ctx), 'error',
        'data.embedding_dim',
        `'data.embedding_dim' is ${dim} but ${embeddings} holds ${bytes} bytes, not a whole number of rows of ${dim} float32 values`);
    }
  }
}

/** Why a data file cannot be used, or null. A RecBole `X.inter` may exist only as its `X.train.inter` sibling. */
export function fileProblem(key: string, abs: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    if (key === 'data.interactions' && /\.inter$/i.test(abs) && fs.existsSync(abs.replace(/\.inter$/i, '.train.inter'))) {
      return null;
    }
    return `'${key}': file not found: ${abs}`;
  }
  return stat.isDirectory() ? `'${key}' is a folder, not a file: ${abs}` : null;
}

/** `variants: { name: { dotted.key: value } }`: names safe for folders, keys known, values valid. */
function resolveVariants(entry: Entry, value: Record<string, unknown>, ctx: ResolveContext): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, body] of Object.entries(value)) {
    const spot = ctx.positions.child(entry, name);
    if (!SAFE_NAME.test(name)) {
      ctx.problems.at(spot, 'error', 'variants',
        `variant name '${name}' must be safe for a folder name: letters, digits, '.', '_' and '-', starting with a letter or digit`, 'key');
    }
    if (body === null || body === undefined) {
      out[name] = {};
      continue;
    }
    if (!isPlainObject(body)) {
      ctx.problems.at(spot, 'error', 'variants', `variant '${name}' must be a mapping of dotted.key: value`);
      continue;
    }
    const resolved: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(body)) {
      const inner = ctx.positions.child(spot, key);
      const spec = sweepSpec(key, inner, `in variant '${name}'`, ctx);
      if (spec === null) continue;
      const v = sweepValue(spec, raw, inner, ctx);
      if (v.ok) resolved[key] = v.value;
    }
    out[name] = resolved;
  }
  return out;
}

/** `grid: { dotted.key: [values] }`: keys known, each list non-empty, each element valid. */
function resolveGrid(entry: Entry, value: Record<string, unknown>, ctx: ResolveContext): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [key, list] of Object.entries(value)) {
    const spot = ctx.positions.child(entry, key);
    const spec = sweepSpec(key, spot, 'in grid', ctx);
    if (spec === null) continue;
    if (!Array.isArray(list) || list.length === 0) {
      ctx.problems.at(spot, 'error', 'grid', `grid '${key}' must be a non-empty list of values to try`);
      continue;
    }
    const resolved: unknown[] = [];
    list.forEach((raw, i) => {
      const v = sweepValue(spec, raw, ctx.positions.item(spot, i), ctx);
      if (v.ok) resolved.push(v.value);
    });
    out[key] = resolved;
  }
  return out;
}

function sweepSpec(key: string, spot: Spot, where: string, ctx: ResolveContext): KeySpec | null {
  const spec = keySpec(key);
  if (spec !== undefined && isSweepableKey(key)) return spec;
  const sweepable = KEYS.filter((k) => isSweepableKey(k.path)).map((k) => k.path);
  const message =
    spec !== undefined
      ? `'${key}' cannot be set ${where}`
      : `unknown key '${key}' ${where}${hint(closest(key, sweepable))}`;
  ctx.problems.at(spot, 'error', key, message, 'key');
  return null;
}

function sweepValue(spec: KeySpec, raw: unknown, spot: Spot, ctx: ResolveContext): { ok: boolean; value: unknown } {
  const check = checkValue(spec, raw);
  if (!check.ok) {
    ctx.problems.at(check.index === undefined ? spot : ctx.positions.item(spot, check.index), 'error', spec.path, check.message);
    return { ok: false, value: null };
  }
  if (spec.kind !== 'path' || typeof check.value !== 'string') return { ok: true, value: check.value };
  const abs = absolute(ctx, check.value);
  const problem = spec.mustExist && ctx.checkFiles ? fileProblem(spec.path, abs) : null;
  if (problem !== null) ctx.problems.at(spot, 'error', spec.path, problem);
  return { ok: problem === null, value: abs };
}

export function hint(suggestion: string | null): string {
  return suggestion === null ? '' : ` (did you mean '${suggestion}'?)`;
}

export function getPath(root: unknown, dotted: string): unknown {
  let cur: unknown = root;
  for (const part of dotted.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function setPath(root: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let cur = root;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (isPlainObject(next)) cur = next;
    else cur = cur[part] = {};
  }
  cur[parts[parts.length - 1]] = value;
}
