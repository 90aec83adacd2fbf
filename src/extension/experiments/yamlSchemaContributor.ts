/**
 * Red Hat YAML's schema contributor API (redhat-developer/vscode-yaml,
 * src/schema-extension-api.ts), the part we use: package.json's `yamlValidation` can
 * only name fixed globs (`*.rqvae.yaml`), so files that are experiments only through
 * the user's `semid.experiments.patterns` get the same schema by asking. The YAML
 * server calls `requestSchema(resource)` per document (recent versions combine every
 * contributor's answer with the `yamlValidation` associations, so a file must get the
 * schema from one of them only) and fetches the returned URI's content from the
 * contributor registered under that URI's scheme. No vscode import.
 */
import { fileURLToPath } from 'node:url';

/** The contributor's name, which is also the scheme of the schema URI it hands out. */
export const SCHEMA_SCHEME = 'semid-experiment';
export const CONTRIBUTED_SCHEMA_URI = `${SCHEMA_SCHEME}://schemas/experiment.schema.json`;

export interface YamlSchemaApi {
  registerContributor(
    schema: string,
    requestSchema: (resource: string) => string | undefined,
    requestSchemaContent: (uri: string) => Promise<string> | string,
    label?: string,
  ): boolean;
}

export function isYamlSchemaApi(value: unknown): value is YamlSchemaApi {
  return typeof value === 'object' && value !== null && typeof (value as { registerContributor?: unknown }).registerContributor === 'function';
}

/**
 * The schema URI for `resource` (the URI string the YAML server asks about) when it is
 * an experiment file that `yamlValidation` does not already cover; otherwise none, so
 * no file gets the schema twice and other YAML never gets it.
 */
export function contributedSchemaFor(resource: string, experimentByUserPattern: (fsPath: string) => boolean): string | undefined {
  let fsPath: string;
  try {
    const url = new URL(resource);
    if (url.protocol !== 'file:') return undefined;
    fsPath = fileURLToPath(url);
  } catch {
    return undefined;
  }
  return experimentByUserPattern(fsPath) ? CONTRIBUTED_SCHEMA_URI : undefined;
}

/** Registers the contributor; `schemaText` reads schemas/experiment.schema.json. False when the name is taken. */
export function registerSchemaContributor(api: YamlSchemaApi, experimentByUserPattern: (fsPath: string) => boolean, schemaText: () => string): boolean {
  return api.registerContributor(
    SCHEMA_SCHEME,
    (resource) => contributedSchemaFor(resource, experimentByUserPattern),
    // Only our scheme's URIs are asked here; anything else gets an empty schema.
    (uri) => (uri === CONTRIBUTED_SCHEMA_URI ? schemaText() : '{}'),
    // No `label`: it is a regular expression over the document's text, not a name.
  );
}
