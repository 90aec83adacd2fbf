/**
 * Red Hat's YAML extension (redhat.vscode-yaml) reads our `yamlValidation` schema for
 * `*.rqvae.yaml` / `*.rqvae.yml`, and through its contributor API (yamlSchemaContributor.ts)
 * the same schema for files matched only by the user's patterns; it then offers key
 * completion, key hovers and unknown-key errors itself. While it covers a file we leave
 * those to it, so nothing appears twice; a file it does not cover keeps ours.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExperimentGlobs } from './experimentGlobs';
import { isYamlSchemaApi, registerSchemaContributor } from './yamlSchemaContributor';

export const YAML_EXTENSION_ID = 'redhat.vscode-yaml';

/** The built-in patterns only: package.json's yamlValidation fileMatch (a test keeps them equal). */
const schemaFiles = new ExperimentGlobs([]);

/**
 * Our registered contributor: the YAML extension's API object it went to (a reinstalled
 * or restarted YAML extension has a new one, without it) and the files it covers.
 */
let contribution: { api: unknown; to: (fsPath: string) => boolean } | null = null;
/** The registration under way: a second offer waits for it instead of registering twice. */
let contributing: Promise<boolean> | null = null;

/** The YAML extension's API as it is now, if active (no activation here). */
function currentYamlApi(): unknown {
  const yaml = vscode.extensions.getExtension(YAML_EXTENSION_ID);
  return yaml?.isActive ? yaml.exports : undefined;
}

/** Is this an experiment file that the static yamlValidation association misses? */
export function missedByYamlValidation(fsPath: string): boolean {
  return !schemaFiles.matches(path.basename(fsPath));
}

/** Does the YAML extension give this document schema completion, hovers and key errors? */
export function yamlExtensionCovers(document: vscode.TextDocument): boolean {
  if (vscode.extensions.getExtension(YAML_EXTENSION_ID) === undefined) return false;
  if (schemaFiles.matches(document.uri.path.split('/').pop() ?? '')) return true;
  return document.uri.scheme === 'file' && contribution !== null && contribution.api === currentYamlApi() && contribution.to(document.uri.fsPath);
}

/**
 * Hands the schema to the YAML extension for `experimentByUserPattern` files (user
 * patterns only; the caller checks there are some). Activates the YAML extension to
 * reach its API, so only called when that matters. Resolves whether it took.
 */
export function contributeSchema(
  schemaFile: string,
  experimentByUserPattern: (fsPath: string) => boolean,
  log: vscode.LogOutputChannel,
): Promise<boolean> {
  if (contribution !== null && contribution.api === currentYamlApi()) return Promise.resolve(true);
  if (contributing === null) {
    const attempt = contribute(schemaFile, experimentByUserPattern, log).finally(() => {
      if (contributing === attempt) contributing = null;
    });
    contributing = attempt;
  }
  return contributing;
}

async function contribute(
  schemaFile: string,
  experimentByUserPattern: (fsPath: string) => boolean,
  log: vscode.LogOutputChannel,
): Promise<boolean> {
  const yaml = vscode.extensions.getExtension(YAML_EXTENSION_ID);
  if (yaml === undefined) return false;
  let api: unknown;
  try {
    api = yaml.isActive ? yaml.exports : await yaml.activate();
  } catch (err) {
    log.warn(`${YAML_EXTENSION_ID} did not activate, so files matched by your patterns get our completion and hovers: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
  // Already registered with this very API (an offer raced the check above).
  if (contribution !== null && contribution.api === api) return true;
  if (!isYamlSchemaApi(api)) {
    log.warn(`${YAML_EXTENSION_ID} has no registerContributor API, so files matched by your patterns get our completion and hovers instead of its schema`);
    return false;
  }
  let text: string | undefined;
  const schemaText = (): string => (text ??= readFileSync(schemaFile, 'utf8'));
  if (!registerSchemaContributor(api, experimentByUserPattern, schemaText)) {
    log.warn(`${YAML_EXTENSION_ID} refused our schema contributor (its name is taken)`);
    return false;
  }
  contribution = { api, to: experimentByUserPattern };
  log.info(`${YAML_EXTENSION_ID}: the experiment schema now also covers files matched by your patterns`);
  return true;
}

/** A problem of ours the schema reports too: an unknown key. */
export function isSchemaProblem(message: string): boolean {
  return message.startsWith('unknown key ');
}
