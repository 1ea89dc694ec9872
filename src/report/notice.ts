/** notice.csv: the public-notice list (拟资助项目公示表), amounts in 万元, with its total and rule. */
import { toExcelCsv } from '../io/write.js';
import type { Notice } from './data.js';

export const NOTICE_HEADER = ['序号', '项目名称', '申报单位', '申报类别', '资助金额(万元)'] as const;

export function noticeCsv(notice: Notice): string {
  const rows = notice.rows.map((r) => [String(r.seq), r.projectName, r.companyName, r.measureName, r.grantWan]);
  rows.push(['合计', '', '', '', notice.totalWan]);
  rows.push([`说明：${notice.rule}`, '', '', '', '']);
  return toExcelCsv(NOTICE_HEADER, rows);
}
