/** What a cell of a CSV or workbook fundplan writes must not be: a formula. Nothing here touches files. */

/**
 * A cell Excel would evaluate as a formula (= + - @, or a leading tab / CR) gets a leading
 * apostrophe. A plain number such as -1234.50 is left alone: it cannot be a formula, and it
 * must stay a number.
 */
export function neutraliseCell(value: string): string {
  // Anything else starts no formula (the common case, decided without a regular expression).
  if (!startsFormula(value.charCodeAt(0))) return value;
  return /^-\d+(\.\d+)?$/.test(value) ? value : `'${value}`;
}

/** Whether a cell starting with this UTF-16 unit is one `neutraliseCell` must look at: = + - @ tab CR. */
export function startsFormula(c: number): boolean {
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}
