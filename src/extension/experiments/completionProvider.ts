/**
 * Key completion where the Red Hat YAML extension does not give it (yamlExtension.ts): the keys valid in the section at
 * the cursor (with their docs and defaults), and the allowed values of enum and
 * boolean keys.
 */
import * as vscode from 'vscode';
import { childrenOf, describeExpected, KeySpec, keySpec } from '../../engine/config';
import { formatKeyValue, keyMarkdown, sectionMarkdown } from './keyDocs';
import { completionSpot } from './yamlCursor';
import { yamlExtensionCovers } from './yamlExtension';

export class ExperimentCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly isExperiment: (document: vscode.TextDocument) => boolean) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    if (!this.isExperiment(document) || yamlExtensionCovers(document)) return [];
    const lines = document.getText().split(/\r?\n/);
    const spot = completionSpot(lines, position.line, position.character);
    if (spot === null) return [];
    const word = document.getWordRangeAtPosition(position, /[\w.-]+/);
    if (spot.kind === 'value') {
      const spec = keySpec(spot.path);
      return spec ? valueItems(spec, word) : [];
    }
    return childrenOf(spot.section)
      .filter((child) => !spot.present.has(child.name))
      .map((child) => {
        const item = new vscode.CompletionItem(
          child.name,
          child.isSection ? vscode.CompletionItemKind.Module : vscode.CompletionItemKind.Property,
        );
        const spec = child.spec;
        if (child.isSection) {
          item.insertText = new vscode.SnippetString(`${child.name}:\n  $0`);
          item.documentation = new vscode.MarkdownString(sectionMarkdown(spec));
          item.detail = 'section';
        } else if (isKeySpec(spec)) {
          item.insertText = new vscode.SnippetString(`${child.name}: `).appendPlaceholder(formatKeyValue(spec.default));
          item.detail = `${describeExpected(spec)} (default ${formatKeyValue(spec.default)})`;
          item.documentation = new vscode.MarkdownString(keyMarkdown(spec));
          // Keys the engine ignores yet come last.
        }
        if (word) item.range = word;
        return item;
      });
  }
}

function isKeySpec(spec: object): spec is KeySpec {
  return 'kind' in spec;
}

function valueItems(spec: KeySpec, word: vscode.Range | undefined): vscode.CompletionItem[] {
  const values = spec.kind === 'enum' ? [...(spec.values ?? [])] : spec.kind === 'bool' ? ['true', 'false'] : [];
  if (values.length === 0) return [];
  if (spec.nullable) values.push('null');
  return values.map((value) => {
    const item = new vscode.CompletionItem(value, vscode.CompletionItemKind.EnumMember);
    if (value === formatKeyValue(spec.default)) item.detail = 'default';
    item.documentation = new vscode.MarkdownString(keyMarkdown(spec));
    if (word) item.range = word;
    return item;
  });
}
