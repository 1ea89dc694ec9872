/** notice.csv: the public-notice list (拟资助项目公示表) with each grant's batch, amounts in 万元, with its total and rule; in Chinese. */
import type { Notice } from './data.js';
import { words } from './i18n/index.js';

/** notice.csv's header and rows (the file is `toExcelCsv` of them). */
export function noticeTable(notice: Notice): { readonly header: readonly string[]; readonly rows: string[][] } {
  const w = words('zh').notice;
  const rows = notice.rows.map((r) => [String(r.seq), String(r.batch), r.projectName, r.companyName, r.measureName, r.grantWan]);
  rows.push([w.total, '', '', '', '', notice.totalWan]);
  rows.push([w.ruleLine(notice.rule), '', '', '', '', '']);
  return { header: w.header, rows };
}
