/**
 * Catalog item -> token list for tf-idf. Reads the configured text fields (strings,
 * numbers, arrays of them; missing fields skipped). Category paths add a token per
 * path prefix; short categorical fields (brand) add one whole-value token.
 */
import type { Catalog } from '../data/types';
import { categoryPrefixTokens, looksLikeCategoryPath, splitCategoryPaths, tokenizeText } from './text';

/**
 * A field is categorical when its values repeat (at most half as many distinct values
 * as items that have one) and are short (at most 4 words on average), e.g. brand.
 * Such a field gets one `field=value` token besides its words: "brand=dr scholl"
 * then names the brand as a whole, which the words "dr" and "scholl" (also found in
 * titles) cannot. Long or mostly unique fields (titles) would only add singletons.
 */
export const CATEGORICAL_MAX_DISTINCT_SHARE = 0.5;
export const CATEGORICAL_MAX_MEAN_WORDS = 4;

/** Token lists, one per catalog item in catalog order. */
export function catalogTokens(catalog: Catalog, textFields: readonly string[]): string[][] {
  const categorical = new Set(categoricalFields(catalog, textFields));
  return catalog.items.map((item) => itemTokens(item.fields, textFields, categorical));
}

/** The text fields that get a whole-value token in this catalog (decided over all items). */
export function categoricalFields(catalog: Catalog, textFields: readonly string[]): string[] {
  return textFields.filter((field) => isCategoricalField(catalog, field));
}

/** One item's tokens, given which fields are categorical (an exported featurizer fixes them). */
export function itemTokens(fields: Record<string, unknown>, textFields: readonly string[], categorical: ReadonlySet<string>): string[] {
  const tokens: string[] = [];
  for (const field of textFields) addValueTokens(fields[field], field, categorical.has(field), tokens);
  return tokens;
}

function addValueTokens(value: unknown, field: string, categorical: boolean, out: string[]): void {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) out.push(...tokenizeText(String(value)));
  } else if (typeof value === 'string') {
    if (looksLikeCategoryPath(value)) {
      for (const path of splitCategoryPaths(value)) addPathTokens(path, out);
      return;
    }
    const words = tokenizeText(value);
    out.push(...words);
    if (categorical && words.length > 0) out.push(`${field}=${words.join(' ')}`);
  } else if (Array.isArray(value)) {
    // An array of string arrays is a list of category paths ([["Beauty", "Makeup"]]).
    for (const element of value) {
      if (Array.isArray(element) && element.every((level) => typeof level === 'string')) {
        addPathTokens(element as string[], out);
      } else {
        addValueTokens(element, field, categorical, out);
      }
    }
  }
}

function addPathTokens(path: readonly string[], out: string[]): void {
  out.push(...categoryPrefixTokens(path));
  for (const level of path) out.push(...tokenizeText(level));
}

function isCategoricalField(catalog: Catalog, field: string): boolean {
  const distinct = new Set<string>();
  let withValue = 0;
  let words = 0;
  for (const item of catalog.items) {
    const value = item.fields[field];
    if (typeof value !== 'string' || looksLikeCategoryPath(value)) continue;
    const tokens = tokenizeText(value);
    if (tokens.length === 0) continue;
    withValue++;
    words += tokens.length;
    distinct.add(tokens.join(' '));
  }
  return (
    withValue > 0 &&
    distinct.size <= CATEGORICAL_MAX_DISTINCT_SHARE * withValue &&
    words / withValue <= CATEGORICAL_MAX_MEAN_WORDS
  );
}
