/**
 * Files that are experiments only through the user's patterns get the experiment
 * schema from Red Hat's YAML extension through its contributor API. The extension
 * itself cannot be installed here (no marketplace access), so this drives our
 * contributor the way its SchemaExtensionAPI does (redhat-developer/vscode-yaml,
 * src/schema-extension-api.ts): `requestSchema(resource)` per document, then the
 * content of the returned URI from the contributor registered under its scheme.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import {
  CONTRIBUTED_SCHEMA_URI,
  contributedSchemaFor,
  isYamlSchemaApi,
  registerSchemaContributor,
  SCHEMA_SCHEME,
  type YamlSchemaApi,
} from '../../src/extension/experiments/yamlSchemaContributor';

const schemaFile = path.resolve(__dirname, '..', '..', 'schemas', 'experiment.schema.json');

/** What the YAML extension does with contributors: each one's URI for the document, content by the URI's scheme. */
class ContributorRegistry implements YamlSchemaApi {
  readonly contributors = new Map<string, { requestSchema: (r: string) => string | undefined; requestSchemaContent: (u: string) => Promise<string> | string }>();
  registerContributor(schema: string, requestSchema: (r: string) => string | undefined, requestSchemaContent: (u: string) => Promise<string> | string): boolean {
    if (this.contributors.has(schema)) return false;
    this.contributors.set(schema, { requestSchema, requestSchemaContent });
    return true;
  }
  async schemaOf(resource: string): Promise<string | undefined> {
    for (const c of this.contributors.values()) {
      const uri = c.requestSchema(resource);
      if (uri) return this.contributors.get(new URL(uri).protocol.slice(0, -1))?.requestSchemaContent(uri);
    }
    return undefined;
  }
}

const byUserPattern = (fsPath: string): boolean => /\/experiments\/[^/]+\.yaml$/.test(fsPath.split(path.sep).join('/'));

test('only files the user patterns match get the schema URI, by file URI', () => {
  const exp = pathToFileURL(path.join('/home/ana', 'my project', 'experiments', 'beauty.yaml')).href;
  assert.match(exp, /my%20project/, 'the server sends encoded URIs');
  assert.equal(contributedSchemaFor(exp, byUserPattern), CONTRIBUTED_SCHEMA_URI);
  assert.equal(contributedSchemaFor(pathToFileURL('/home/ana/.github/workflows/ci.yaml').href, byUserPattern), undefined);
  assert.equal(contributedSchemaFor('untitled:Untitled-1', byUserPattern), undefined, 'not a file');
  assert.equal(contributedSchemaFor('vscode-vfs://github/x/experiments/a.yaml', byUserPattern), undefined, 'remote files are not matched');
  assert.equal(contributedSchemaFor('not a uri', byUserPattern), undefined);
});

test('the registered contributor serves schemas/experiment.schema.json under its own scheme', async () => {
  const registry = new ContributorRegistry();
  assert.ok(isYamlSchemaApi(registry));
  assert.ok(!isYamlSchemaApi({ registerContributor: 'no' }));
  let reads = 0;
  const text = () => {
    reads++;
    return readFileSync(schemaFile, 'utf8');
  };
  assert.equal(registerSchemaContributor(registry, byUserPattern, text), true);
  assert.equal(new URL(CONTRIBUTED_SCHEMA_URI).protocol, `${SCHEMA_SCHEME}:`, 'content is looked up by the URI scheme');
  const served = await registry.schemaOf(pathToFileURL('/home/ana/experiments/beauty.yaml').href);
  assert.deepEqual(JSON.parse(served!), JSON.parse(readFileSync(schemaFile, 'utf8')));
  assert.equal(await registry.schemaOf(pathToFileURL('/home/ana/other/beauty.yaml').href), undefined, 'other YAML gets no schema');
  assert.equal(reads, 1);
  assert.equal(registerSchemaContributor(registry, byUserPattern, text), false, 'a second registration is refused, as the API does');
});
