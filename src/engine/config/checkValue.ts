/**
 * Type and range check of one key's value, independent of where the value came from
 * (the file, `--set`, a sweep variant). Positions are the caller's business: a failed
 * check names the list element at fault so the caller can underline just that.
 */
import { describeExpected, KeySpec } from './keys';

export type ValueCheck =
  | { ok: true; value: unknown }
  | { ok: false; message: string; /** Index of the offending list element, if one is at fault. */ index?: number };

export function checkValue(spec: KeySpec, raw: unknown): ValueCheck {
  if (raw === null || raw === undefined) {
    if (spec.nullable) return { ok: true, value: null };
    return fail(spec, null);
  }
  switch (spec.kind) {
    case 'string':
      return checkString(spec, raw);
    case 'path':
      return typeof raw === 'string' && raw.trim() !== '' ? { ok: true, value: raw } : fail(spec, raw);
    case 'bool':
      return typeof raw === 'boolean' ? { ok: true, value: raw } : fail(spec, raw);
    case 'int':
    case 'number':
      return inRange(spec, raw) ? { ok: true, value: raw } : fail(spec, raw);
    case 'enum':
      return typeof raw === 'string' && (spec.values ?? []).includes(raw) ? { ok: true, value: raw } : fail(spec, raw);
    case 'int-list':
      return checkList(spec, raw, (v) => inRange(spec, v));
    case 'string-list':
      return checkList(spec, raw, (v) => typeof v === 'string' && v !== '');
    case 'enum-list':
      return checkList(spec, raw, (v) => typeof v === 'string' && (spec.values ?? []).includes(v));
    case 'sizes':
      if (Array.isArray(raw)) {
        if (raw.length === 0) return { ok: false, message: `'${spec.path}' must not be an empty list` };
        return checkList(spec, raw, (v) => inRange(spec, v));
      }
      return inRange(spec, raw) ? { ok: true, value: raw } : fail(spec, raw);
    case 'map':
      return isPlainObject(raw) ? { ok: true, value: raw } : fail(spec, raw);
  }
}

function checkString(spec: KeySpec, raw: unknown): ValueCheck {
  if (typeof raw !== 'string' || raw === '') return fail(spec, raw);
  if (spec.maxLength !== undefined && raw.length > spec.maxLength) {
    return { ok: false, message: `'${spec.path}' must be at most ${spec.maxLength} characters (got ${raw.length})` };
  }
  if (spec.pattern !== undefined && !new RegExp(spec.pattern).test(raw)) {
    return {
      ok: false,
      message:
        `'${spec.path}' must be safe for a folder name: letters, digits, '.', '_' and '-', ` +
        `starting with a letter or digit (got ${describeValue(raw)})`,
    };
  }
  return { ok: true, value: raw };
}

function checkList(spec: KeySpec, raw: unknown, good: (v: unknown) => boolean): ValueCheck {
  if (!Array.isArray(raw)) return fail(spec, raw);
  const bad = raw.findIndex((v) => !good(v));
  if (bad >= 0) {
    return {
      ok: false,
      message: `'${spec.path}' must be ${describeExpected(spec)} (item ${bad + 1} is ${describeValue(raw[bad])})`,
      index: bad,
    };
  }
  return { ok: true, value: raw.slice() };
}

function inRange(spec: KeySpec, v: unknown): boolean {
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if ((spec.kind === 'int' || spec.kind === 'int-list' || spec.kind === 'sizes') && !Number.isInteger(v)) return false;
  if (spec.min !== undefined && (spec.exclusiveMin ? v <= spec.min : v < spec.min)) return false;
  if (spec.max !== undefined && v > spec.max) return false;
  return true;
}

function fail(spec: KeySpec, raw: unknown): ValueCheck {
  return { ok: false, message: `'${spec.path}' must be ${describeExpected(spec)} (got ${describeValue(raw)})` };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as a message shows it: 'text', 12, true, null, a list, a mapping. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v.length > 40 ? `'${v.slice(0, 37)}...'` : `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}
