/**
 * allocations.csv's columns, in order: the file's format, named once. Its rows are made in
 * allocations.ts; the workbook's 明细 sheet names them in words (i18n WorkbookWords.detailHeader).
 */
export const ALLOCATION_COLUMNS = [
  'project_id', 'project_name', 'company_id', 'company_name', 'district', 'measure', 'measure_name', 'clause',
  'year', 'score', 'requested', 'entitlement', 'grant', 'batch', 'binding', 'binding_zh', 'note',
] as const;

export type AllocationColumn = (typeof ALLOCATION_COLUMNS)[number];
