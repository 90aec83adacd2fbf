/** The experiment file: one import for the engine and the extension. */
export * from './experiment';
export * from './keys';
export * from './validate';
export { configHash, canonicalJson } from './configHash';
export { serializeConfig } from './serialize';
export { buildExperimentSchema, experimentSchemaText } from './jsonSchema';
export type { JsonSchema } from './jsonSchema';
