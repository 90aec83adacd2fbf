/**
 * Reading an experiment: YAML text (with positions) plus `--set` overrides -> a
 * resolved ExperimentConfig and a list of problems. The engine (CLI, child process)
 * and the VS Code extension (diagnostics) both call this one module.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isAlias, isMap, isScalar, LineCounter, Node, parseDocument, YAMLMap, Document } from 'yaml';
import { ExperimentConfig } from './experiment';
import { childrenOf, KEYS, keySpec, sectionSpec } from './keys';
import { Entry, Positions, ProblemList } from './located';
import { ConfigProblem, ExperimentError, NO_POSITION, ProblemRange } from './problems';
import { getPath, hint, resolveEntries } from './resolve';
import { closest, suggestKey } from './suggest';
import { RUN_FILES } from '../../protocol/runLayout';

export type { ConfigProblem, ProblemRange } from './problems';
export { ExperimentError, formatProblem, NO_POSITION } from './problems';

export interface ParseOptions {
  /** `dotted.key=value` strings, as given to `--set`; applied in order over the file. */
  overrides?: string[];
  /** Check that data files exist (default true). The extension may turn it off while typing. */
  checkFiles?: boolean;
  /**
   * The file is a run's resolved config.yaml, which lists every key the engine had: a key
   * it lacks was added after the run, so it takes the value that reproduces the run (its
   * `hashOmittedAt`), not today's default, which may differ (balance.fade).
   */
  runConfig?: boolean;
}

export interface ParseResult {
  /** Null when any problem is an error. */
  config: ExperimentConfig | null;
  /** Errors, warnings and infos: file positions first in reading order, then overrides. */
  problems: ConfigProblem[];
}

/**
 * Validates an experiment file's text. `filePath` anchors relative paths (resolved
 * against its folder and returned absolute) and need not exist when checkFiles is
 * false. Override values are read as YAML flow values (`[64,64,64]`, `3e-4`, `null`);
 * relative paths in them are relative to the experiment's folder too.
 */
export function parseExperiment(text: string, filePath: string, opts: ParseOptions = {}): ParseResult {
  const file = path.resolve(filePath);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const positions = new Positions(lines, text);
  const problems = new ProblemList();
  const whole = (start: number, end: number): ProblemRange => positions.span(start, end) ?? { line: 1, col: 1, endLine: 1, endCol: 1 };

  for (const e of doc.errors) problems.add('error', null, `YAML: ${e.message}`, whole(e.pos[0], e.pos[1]));
  for (const w of doc.warnings) problems.add('warning', null, `YAML: ${w.message}`, whole(w.pos[0], w.pos[1]));
  if (doc.errors.length > 0) return { config: null, problems: problems.sorted() };

  const top = doc.contents;
  if (!isMap(top)) {
    const range = positions.of(top) ?? { line: 1, col: 1, endLine: 1, endCol: 1 };
    const message =
      top === null
        ? "the experiment file is empty: it needs at least 'name: ...'"
        : 'the experiment file must be a mapping of keys (name: ..., data: ..., model: ...)';
    problems.add('error', null, message, range);
    return { config: null, problems: problems.sorted() };
  }

  const entries = new Map<string, Entry>();
  collect(top, '', doc, positions, problems, entries);
  if (opts.runConfig) {
    const at = positions.of(top) ?? { line: 1, col: 1, endLine: 1, endCol: 1 };
    for (const spec of KEYS) {
      if (spec.hashOmittedAt === undefined || entries.has(spec.path)) continue;
      entries.set(spec.path, { value: spec.hashOmittedAt, node: null, range: at, keyRange: at, origin: null, fromBase: false });
    }
  }
  for (const arg of opts.overrides ?? []) {
    const parsed = parseSetArgument(arg, problems);
    if (parsed !== null) entries.set(parsed.key, parsed.entry);
  }

  const firstKey = top.items.length > 0 && isScalar(top.items[0].key) ? positions.of(top.items[0].key) : null;
  const config = resolveEntries(entries, {
    baseDir: path.dirname(file),
    checkFiles: opts.checkFiles ?? true,
    positions,
    problems,
    anchor: firstKey ?? { line: 1, col: 1, endLine: 1, endCol: 1 },
  });
  return { config, problems: problems.sorted() };
}

/** Walks one mapping of the file: sections recurse, leaf keys become entries, the rest is unknown. */
function collect(map: YAMLMap, section: string, doc: Document, positions: Positions, problems: ProblemList, out: Map<string, Entry>): void {
  const fallback: ProblemRange = positions.of(map) ?? { line: 1, col: 1, endLine: 1, endCol: 1 };
  for (const pair of map.items) {
    const keyNode = isScalar(pair.key) ? pair.key : null;
    if (keyNode === null || typeof keyNode.value !== 'string') {
      const keyRange = isNode(pair.key) ? positions.of(pair.key) : null;
      problems.add('error', null, 'keys must be plain words (like levels: 3)', keyRange ?? fallback);
      continue;
    }
    const name = keyNode.value;
    const full = section === '' ? name : `${section}.${name}`;
    const keyRange = positions.of(keyNode) ?? fallback;
    let value: Node | null = isNode(pair.value) ? pair.value : null;
    const range = positions.of(value) ?? keyRange;
    if (isAlias(value)) value = (value.resolve(doc) as Node | undefined) ?? null;

    if (name.includes('.')) {
      problems.add('error', full, unknownKeyMessage(section, name), keyRange);
      continue;
    }
    if (sectionSpec(full) !== undefined) {
      // An `eval:` block, even an empty one, asks for evaluation; an explicit `enabled` inside overrides this.
      if (full === 'eval') out.set('eval.enabled', { value: true, node: null, range: keyRange, keyRange, origin: null, fromBase: false });
      if (isMap(value)) collect(value, full, doc, positions, problems, out);
      else if (value !== null && !(isScalar(value) && value.value === null)) {
        const keys = childrenOf(full).map((c) => c.name).join(', ');
        problems.add('error', full, `'${full}' must be a mapping of keys (${keys})`, range);
      }
      continue;
    }
    if (keySpec(full) !== undefined) {
      const js: unknown = value === null ? null : value.toJS(doc);
      out.set(full, { value: js, node: value, range, keyRange, origin: null, fromBase: false });
      continue;
    }
    problems.add('error', full, unknownKeyMessage(section, name), keyRange);
  }
}

function isNode(v: unknown): v is Node {
  return v !== null && typeof v === 'object' && 'range' in v;
}

function unknownKeyMessage(section: string, name: string): string {
  const full = section === '' ? name : `${section}.${name}`;
  if (name.includes('.') && (keySpec(full) !== undefined || sectionSpec(full) !== undefined)) {
    const parts = name.split('.');
    const nested = parts.reduceRight((inner, part) => `{ ${part}: ${inner} }`, '...').slice(2, -2);
    return `unknown key '${full}': dotted keys are for --set and sweeps; in the file nest it (${nested})`;
  }
  return `unknown key '${full}'${hint(suggestKey(section, name))}`;
}

/** `dotted.key=value` -> an entry without position, or a problem. */
function parseSetArgument(arg: string, problems: ProblemList): { key: string; entry: Entry } | null {
  const eq = arg.indexOf('=');
  const key = (eq > 0 ? arg.slice(0, eq) : arg).trim();
  const origin = `--set ${arg}`;
  if (eq <= 0) {
    problems.add('error', key, `${origin}: expected dotted.key=value (e.g. --set model.levels=4)`, NO_POSITION);
    return null;
  }
  const keyProblem = overrideKeyProblem(key);
  if (keyProblem !== null) {
    problems.add('error', key, `${origin}: ${keyProblem}`, NO_POSITION);
    return null;
  }
  const doc = parseDocument(arg.slice(eq + 1), { prettyErrors: false });
  if (doc.errors.length > 0) {
    problems.add('error', key, `${origin}: cannot read the value as YAML: ${doc.errors[0].message}`, NO_POSITION);
    return null;
  }
  const node = doc.contents;
  const value: unknown = node === null ? null : node.toJS(doc);
  return { key, entry: { value, node, range: NO_POSITION, keyRange: NO_POSITION, origin, fromBase: false } };
}

/** Null when `key` names a leaf key that an override may set. */
function overrideKeyProblem(key: string): string | null {
  if (keySpec(key) !== undefined) return null;
  if (sectionSpec(key) !== undefined) {
    const example = childrenOf(key).find((c) => !c.isSection);
    return `'${key}' is a section; set one of its keys${example ? `, e.g. '${key}.${example.name}'` : ''}`;
  }
  const all = KEYS.map((k) => k.path);
  const last = key.split('.').pop() ?? key;
  const suggestion = closest(key, all) ?? all.find((p) => p.split('.').pop() === last) ?? null;
  return `unknown key '${key}'${hint(suggestion)}`;
}

export interface OverrideOptions {
  /** Folder that relative paths in the overrides are relative to (default: process.cwd()). */
  baseDir?: string;
  /** Check that overridden data files exist (default true; the base config's files are not re-checked). */
  checkFiles?: boolean;
  /** Message prefix naming where the overrides come from (default 'override'): `override model.levels=12: ...`. */
  origin?: string;
}

/**
 * A resolved config with some keys replaced (a sweep's variant or grid point),
 * validated with the same rules as the file; config is null when any problem is an
 * error. A uniform codebook_size follows an overridden `model.levels` (the file's
 * single number was expanded), unless codebook_size is overridden as well.
 */
export function withOverrides(
  config: ExperimentConfig,
  overrides: Record<string, unknown>,
  opts: OverrideOptions = {},
): { config: ExperimentConfig | null; problems: ConfigProblem[] } {
  const problems = new ProblemList();
  const entries = new Map<string, Entry>();
  for (const spec of KEYS) {
    entries.set(spec.path, {
      value: structuredClone(getPath(config, spec.path)),
      node: null,
      range: NO_POSITION,
      keyRange: NO_POSITION,
      origin: null,
      fromBase: true,
    });
  }
  const sizes = config.model.codebook_size;
  if ('model.levels' in overrides && !('model.codebook_size' in overrides) && sizes.length > 0 && sizes.every((s) => s === sizes[0])) {
    const entry = entries.get('model.codebook_size');
    if (entry !== undefined) entry.value = sizes[0];
  }

  const label = opts.origin ?? 'override';
  for (const [key, value] of Object.entries(overrides)) {
    const origin = `${label} ${key}=${flowText(value)}`;
    const keyProblem = overrideKeyProblem(key);
    if (keyProblem !== null) {
      problems.add('error', key, `${origin}: ${keyProblem}`, NO_POSITION);
      continue;
    }
    entries.set(key, { value, node: null, range: NO_POSITION, keyRange: NO_POSITION, origin, fromBase: false });
  }

  const resolved = resolveEntries(entries, {
    baseDir: opts.baseDir ?? process.cwd(),
    checkFiles: opts.checkFiles ?? true,
    positions: new Positions(null),
    problems,
    anchor: NO_POSITION,
  });
  return { config: resolved, problems: problems.sorted() };
}

function flowText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}

export interface LoadOptions {
  checkFiles?: boolean;
  /** See ParseOptions.runConfig; `loadRunConfig` sets it. */
  runConfig?: boolean;
  /** Receives each warning and info (errors are thrown instead). Without it they are dropped. */
  onProblem?: (problem: ConfigProblem) => void;
}

/**
 * Reads and validates an experiment file. Throws ExperimentError (all errors, one
 * `file:line:col: message` per line) when it cannot be used; warnings and infos go
 * to `opts.onProblem` (format them with formatProblem).
 */
export async function loadExperiment(filePath: string, overrides: string[] = [], opts: LoadOptions = {}): Promise<ExperimentConfig> {
  const file = path.resolve(filePath);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'this is a folder, not an experiment file' : err instanceof Error ? err.message : String(err);
    throw new ExperimentError(file, [{ severity: 'error', key: null, message: `cannot read the experiment file: ${reason}`, range: NO_POSITION }]);
  }
  const { config, problems } = parseExperiment(text, file, { overrides, checkFiles: opts.checkFiles, runConfig: opts.runConfig });
  if (config === null) throw new ExperimentError(file, problems);
  for (const p of problems) opts.onProblem?.(p);
  return config;
}

/**
 * A run directory's resolved experiment (config.yaml), as the run was made: keys added
 * since take the value that reproduces it (ParseOptions.runConfig).
 */
export function loadRunConfig(runDir: string, overrides: string[] = [], opts: Omit<LoadOptions, 'runConfig'> = {}): Promise<ExperimentConfig> {
  return loadExperiment(path.join(runDir, RUN_FILES.config), overrides, { checkFiles: false, ...opts, runConfig: true });
}
