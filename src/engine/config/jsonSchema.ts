/**
 * JSON Schema (draft-07) of the experiment file, built from the key table so it cannot
 * disagree with the validator. Editors (the YAML extension's `yamlValidation`) use it
 * for completion and checks before our own diagnostics arrive. The rules across keys
 * (codebook_size vs levels, embedding_dim for .f32, files that exist) are ours alone.
 */
import { isSweepableKey, KeySpec, KEYS, SECTIONS } from './keys';

export type JsonSchema = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | null | JsonValue[] | JsonSchema;

export function buildExperimentSchema(): JsonSchema {
  const root: JsonSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Semantic ID Studio experiment',
    description: 'An RQ-VAE semantic-ID tokenizer experiment (*.rqvae.yaml). Relative paths are relative to this file.',
    type: 'object',
    required: KEYS.filter((k) => k.required).map((k) => k.path),
    additionalProperties: false,
    properties: {},
  };
  // Keys in the table's order (the file's order); a section is created before its first key.
  for (const spec of KEYS) {
    ensureSection(root, parentOf(spec.path));
    propertiesOf(root, parentOf(spec.path))[lastPart(spec.path)] = keySchema(spec);
  }
  return root;
}

/** The schema file's exact text (what scripts/write-schema.ts writes). */
export function experimentSchemaText(): string {
  return `${JSON.stringify(buildExperimentSchema(), null, 2)}\n`;
}

function keySchema(spec: KeySpec): JsonSchema {
  const schema: JsonSchema = { ...described(spec.description), ...valueSchema(spec) };
  if (!spec.required) schema.default = spec.default as JsonValue;
  return schema;
}

function valueSchema(spec: KeySpec): JsonSchema {
  const typed = (type: string): JsonValue => (spec.nullable ? [type, 'null'] : type);
  switch (spec.kind) {
    case 'string': {
      const s: JsonSchema = { type: typed('string'), minLength: 1 };
      if (spec.maxLength !== undefined) s.maxLength = spec.maxLength;
      if (spec.pattern !== undefined) s.pattern = spec.pattern;
      return s;
    }
    case 'path':
      return { type: typed('string'), minLength: 1 };
    case 'bool':
      return { type: typed('boolean') };
    case 'int':
      return { type: typed('integer'), ...bounds(spec) };
    case 'number':
      return { type: typed('number'), ...bounds(spec) };
    case 'enum':
      return { type: typed('string'), enum: [...(spec.values ?? []), ...(spec.nullable ? [null] : [])] };
    case 'int-list':
      return { type: 'array', items: { type: 'integer', ...bounds(spec) } };
    case 'string-list':
      return { type: 'array', items: { type: 'string', minLength: 1 } };
    case 'enum-list':
      return { type: 'array', items: { type: 'string', enum: [...(spec.values ?? [])] } };
    case 'sizes':
      return {
        anyOf: [
          { type: 'integer', ...bounds(spec) },
          { type: 'array', minItems: 1, maxItems: maxLevels(), items: { type: 'integer', ...bounds(spec) } },
        ],
      };
    case 'map':
      return spec.path === 'variants' ? variantsSchema() : gridSchema();
  }
}

function bounds(spec: KeySpec): JsonSchema {
  const b: JsonSchema = {};
  if (spec.min !== undefined) b[spec.exclusiveMin ? 'exclusiveMinimum' : 'minimum'] = spec.min;
  if (spec.max !== undefined) b.maximum = spec.max;
  return b;
}

function sweepableKeys(): JsonValue[] {
  return KEYS.filter((k) => isSweepableKey(k.path)).map((k) => k.path);
}

function variantsSchema(): JsonSchema {
  const name = KEYS.find((k) => k.path === 'name');
  return {
    type: 'object',
    propertyNames: { pattern: name?.pattern ?? '' },
    additionalProperties: { type: ['object', 'null'], propertyNames: { enum: sweepableKeys() } },
  };
}

function gridSchema(): JsonSchema {
  return {
    type: 'object',
    propertyNames: { enum: sweepableKeys() },
    additionalProperties: { type: 'array', minItems: 1 },
  };
}

function maxLevels(): number {
  return KEYS.find((k) => k.path === 'model.levels')?.max ?? 8;
}

function ensureSection(root: JsonSchema, path: string): void {
  if (path === '') return;
  ensureSection(root, parentOf(path));
  const siblings = propertiesOf(root, parentOf(path));
  if (siblings[lastPart(path)] !== undefined) return;
  const section = SECTIONS.find((s) => s.path === path);
  // An empty section (`collab:` with nothing under it) means all defaults.
  siblings[lastPart(path)] = {
    type: ['object', 'null'],
    ...described(section?.description ?? ''),
    additionalProperties: false,
    properties: {},
  };
}

/** Plain text for any JSON Schema consumer, markdown for editors that render it. */
function described(text: string): JsonSchema {
  return { description: text.replace(/`/g, ''), markdownDescription: text };
}

function parentOf(dotted: string): string {
  const cut = dotted.lastIndexOf('.');
  return cut < 0 ? '' : dotted.slice(0, cut);
}

function lastPart(dotted: string): string {
  return dotted.slice(dotted.lastIndexOf('.') + 1);
}

function propertiesOf(root: JsonSchema, section: string): JsonSchema {
  let node = root;
  if (section !== '') {
    for (const part of section.split('.')) node = (node.properties as JsonSchema)[part] as JsonSchema;
  }
  return node.properties as JsonSchema;
}
