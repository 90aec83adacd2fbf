/**
 * Red Hat's YAML extension (redhat.vscode-yaml) reads our `yamlValidation` schema for
 * `*.rqvae.yaml` / `*.rqvae.yml` and then offers key completion, key hovers and
 * unknown-key errors itself. While it is installed we leave those to it for the files
 * it covers, so nothing appears twice; files matched only by the user's patterns are
 * unknown to it and keep ours.
 */
import * as vscode from 'vscode';
import { ExperimentGlobs } from './experimentGlobs';

export const YAML_EXTENSION_ID = 'redhat.vscode-yaml';

/** The built-in patterns only: package.json's yamlValidation fileMatch (a test keeps them equal). */
const schemaFiles = new ExperimentGlobs([]);

/** Does the YAML extension give this document schema completion, hovers and key errors? */
export function yamlExtensionCovers(document: vscode.TextDocument): boolean {
  if (vscode.extensions.getExtension(YAML_EXTENSION_ID) === undefined) return false;
  return schemaFiles.matches(document.uri.path.split('/').pop() ?? '');
}

/** A problem of ours the schema reports too: an unknown key. */
export function isSchemaProblem(message: string): boolean {
  return message.startsWith('unknown key ');
}
