/**
 * RecBole atomic-file headers name each column `name:type` (`item_id:token`,
 * `text:token_seq`); everywhere else only the name matters.
 */
const RECBOLE_TYPE = /^(.*):(token|token_seq|float|float_seq)$/;

/** The field name of a header cell, without a RecBole `:type` suffix. */
export function fieldName(headerCell: string): string {
  const name = headerCell.trim();
  return RECBOLE_TYPE.exec(name)?.[1] ?? name;
}
