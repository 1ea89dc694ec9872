/**
 * report.html's stylesheet, inlined in the page's one <style> element, which the page's
 * Content-Security-Policy allows by its hash (html.ts). Screen and A4 landscape print; the
 * charts are styled here by class (svg.ts draws them without style attributes).
 */
export const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1320px; padding: 24px 28px 64px; background: #fff; color: #111;
  font: 15px/1.6 system-ui, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Hiragino Sans GB", sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; line-height: 1.3; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #1f3a68; color: #1f3a68; }
h3 { font-size: 16px; margin: 20px 0 8px; }
p { margin: 6px 0; }
.subtitle { color: #333; margin: 0 0 12px; }
.headline { font-size: 17px; font-weight: 600; margin: 12px 0; }
.warning { border: 2px solid #a30000; background: #fff3f0; color: #7a0000; padding: 10px 14px; font-weight: 600; margin: 12px 0; }
.input-warnings ol { max-height: 16em; overflow: auto; margin: 6px 0 0; padding-left: 2.4em; font-weight: normal; font-size: 13px; }
.ok { color: #145a14; font-weight: 600; }
.bad { color: #7a0000; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0; }
dl.facts dt { color: #444; }
dl.facts dd { margin: 0; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
.hash { border-bottom: 1px dotted #666; cursor: help; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; margin: 10px 0; }
.card { border: 1px solid #bbb; border-radius: 4px; padding: 8px 12px; }
.card .k { color: #444; font-size: 13px; }
.card .v { font-size: 20px; font-weight: 700; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 14px; }
th, td { border: 1px solid #bbb; padding: 4px 8px; vertical-align: top; text-align: left; }
thead th { background: #e9eef6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap, th { white-space: nowrap; }
td.c-name { min-width: 8em; }
td.c-measure { min-width: 8em; }
td.c-measure code { white-space: nowrap; font-size: 12px; }
td.c-note { min-width: 16em; }
#projects { font-size: 13px; }
#projects td, #projects th { padding: 3px 5px; }
.table-wrap { overflow-x: auto; }
tr.total td { font-weight: 700; background: #f3f3f3; }
tbody tr:nth-child(even) td { background: #fafafa; }
.rule { color: #333; font-size: 14px; }
.muted { color: #555; font-size: 14px; }
details { margin: 10px 0; }
summary { cursor: pointer; font-weight: 600; }
nav.toc ol { columns: 2; margin: 4px 0; padding-left: 22px; }
nav.toc a { color: #1f3a68; }
.search { display: flex; gap: 12px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
.search input { font: inherit; padding: 6px 10px; min-width: 360px; border: 1px solid #888; border-radius: 4px; }
th button { all: unset; cursor: pointer; display: block; width: 100%; }
th button:focus-visible { outline: 2px solid #1f3a68; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
.print-only { display: none; }
[hidden] { display: none !important; }
svg.chart { width: 100%; height: auto; display: block; margin: 8px 0; font-family: inherit; }
svg.chart text { fill: #111; font-size: 14px; }
svg.chart .tick { font-size: 13px; fill: #222; }
svg.chart .axis-label { font-size: 14px; font-weight: 600; }
svg.chart .value { font-size: 13px; font-variant-numeric: tabular-nums; }
svg.chart .grid { stroke: #ddd; stroke-width: 1; }
svg.chart .grid-major { stroke: #bbb; stroke-width: 1; }
svg.chart .axis { stroke: #111; stroke-width: 1.5; }
svg.chart .bar-ent { fill: #fff; stroke: #333; stroke-width: 1.2; }
svg.chart .bar-grant { fill: #1f4e9a; }
svg.chart .mark-max { stroke: #a30000; stroke-width: 3; }
svg.chart .mark-max-head { fill: #a30000; }
svg.chart .mark-min { stroke: #a30000; stroke-width: 3; stroke-dasharray: 4 3; }
svg.chart .mark-min-head { fill: #a30000; }
svg.chart .dot-funded { fill: #1f4e9a; stroke: #fff; stroke-width: 0.8; }
svg.chart .dot-unfunded { fill: none; stroke: #b34700; stroke-width: 1.6; }
svg.chart .partly, svg.chart .partly-cap { stroke: #1f4e9a; stroke-width: 1.4; }
svg.chart .funding-line line { stroke: #a30000; stroke-width: 2.5; stroke-dasharray: 8 5; }
svg.chart .funding-line rect { fill: #fff; stroke: #a30000; stroke-width: 1.5; }
svg.chart .funding-line text { fill: #a30000; font-weight: 700; font-size: 15px; }
svg.chart .measure-row:hover .label { font-weight: 700; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .search, nav.toc, th button::after { display: none !important; }
  .print-only { display: block; }
  h2 { break-after: avoid; }
  tr, .card, svg.chart, .warning { break-inside: avoid; }
  .input-warnings { break-inside: auto; }
  .input-warnings ol { max-height: none; overflow: visible; }
  thead { display: table-header-group; }
  tfoot { display: table-row-group; }
  tbody tr:nth-child(even) td { background: none; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
  #projects { font-size: 8pt; }
  td.c-note { min-width: 14em; }
  td.c-measure code { font-size: 7pt; }
  svg.chart { max-height: 17cm; }
}
`;
