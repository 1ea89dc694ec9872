/** The what-if page's stylesheet: large type, one column on narrow screens and on paper (A4). */
export const WHATIF_CSS = `
:root{--ink:#1b1f24;--muted:#5b6470;--line:#d9dee4;--accent:#0b5cad;--good:#1a7f37;--bad:#b42318;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:17px/1.55 "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;color:var(--ink);background:#fff}
header{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--bg)}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:22px 0 8px}h3{font-size:16px;margin:14px 0 6px;color:var(--muted)}
.sub{color:var(--muted);margin:0}
.layout{display:grid;grid-template-columns:minmax(320px,400px) 1fr;gap:24px;padding:16px 24px}
#controls{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding-right:8px}
.slot{display:grid;grid-template-columns:3.2em 1fr 10em;gap:6px;align-items:center;margin:2px 0}
.slot label{color:var(--muted);font-size:14px}
.slot input[type=range]{width:100%}
.num input{width:6.5em;font:inherit;font-size:15px;padding:2px 4px}
.measure{border-top:1px dashed var(--line);padding-top:4px}.mlabel{font-size:14px}
#budget-n{font-size:18px;font-weight:600}
.buttons,.exports{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
button{font:inherit;font-size:15px;padding:6px 12px;border:1px solid var(--accent);background:#fff;color:var(--accent);border-radius:4px;cursor:pointer}
button:disabled{opacity:.4;cursor:default}
button[aria-pressed=true]{background:var(--accent);color:#fff}
.note{font-size:13px;color:var(--muted)}
.headline{font-size:22px;font-weight:600;margin:6px 0}
#status-line{color:var(--muted);font-size:14px;margin:0}
#problem{border:2px solid var(--bad);background:#fff5f5;padding:8px 16px;border-radius:6px}
#problem h3{color:var(--bad);font-size:18px}
table{border-collapse:collapse;width:100%;font-size:15px}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--bg);position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.note{font-size:13px;color:var(--muted)}
table.projects{table-layout:fixed}
table.projects th:nth-child(1){width:9em}table.projects th:nth-child(2){width:24%}table.projects th:nth-child(3){width:18%}
table.projects th:nth-child(4){width:6em}table.projects th:nth-child(5){width:4.5em}table.projects th:nth-child(6),table.projects th:nth-child(7){width:8.5em}
table.projects td{overflow:hidden;text-overflow:ellipsis}
table.diff{table-layout:fixed}table.diff th:nth-child(1){width:4.5em}table.diff th:nth-child(2){width:9em}table.diff th:nth-child(3){width:18%}
table.diff th:nth-child(4),table.diff th:nth-child(5),table.diff th:nth-child(6){width:7.5em}
tr.funded td:nth-child(7){font-weight:600}
.tag{display:inline-block;font-size:13px;padding:0 6px;border-radius:3px;background:#eef1f4;white-space:nowrap}
.tag.enter,.tag.gain,.tag.fund{background:#dafbe1;color:var(--good)}.tag.leave,.tag.lose,.tag.exclude{background:#ffebe9;color:var(--bad)}
.bar{display:grid;grid-template-columns:14em 1fr 15em;gap:8px;align-items:center;margin:3px 0;font-size:14px}
.track{position:relative;height:16px;background:#fff;border:1px solid var(--line)}
.track .ent{position:absolute;left:0;top:0;bottom:0;background:#e8eef6}
.track .fill{position:absolute;left:0;top:3px;bottom:3px;background:var(--accent)}
.track .lim{position:absolute;top:-4px;bottom:-4px;width:2px}.lim.max{background:var(--bad)}.lim.min{background:var(--good)}
.bnum{font-variant-numeric:tabular-nums;font-size:13px}
#frontier{width:100%;max-width:760px;height:auto;border:1px solid var(--line)}
#frontier path{fill:none;stroke:var(--accent);stroke-width:2}
#frontier circle{fill:var(--accent);fill-opacity:.15;cursor:pointer}#frontier circle:hover{fill-opacity:.8}
#frontier .axis{stroke:var(--muted)}#frontier .current{stroke:var(--bad);stroke-dasharray:4 3;stroke-width:2}
#frontier text{font-size:12px;fill:var(--muted)}
#decided{padding-left:18px;font-size:14px}
dialog{max-width:760px;width:90vw;border:1px solid var(--line);border-radius:8px}
dialog p{margin:4px 0}
.decide{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:12px 0}
.decide input{font:inherit;padding:2px 6px;min-width:16em}
.pager{display:flex;gap:8px;align-items:center;margin:6px 0}.pager[hidden]{display:none}
.filters{display:flex;gap:16px;align-items:center;margin:6px 0}.filters input[type=search]{font:inherit;padding:2px 6px;min-width:18em}
footer{padding:12px 24px;color:var(--muted);font-size:13px}
/* The frontier, the bars and the project table are laid out only when they are on screen (or near it): a change redraws what is in view, and the rest when it is scrolled to. What overflows the section (a wide table's last column) is still painted. */
.part{content-visibility:auto;contain-intrinsic-size:auto 900px;overflow-clip-margin:content-box 400px}
@media (max-width:900px){.layout{grid-template-columns:1fr}#controls{position:static;max-height:none}}
@media print{@page{size:A4;margin:12mm}body{font-size:12px}.part{content-visibility:visible}.layout{display:block;padding:0}#controls{display:none}.exports,.buttons,.filters,.pager,#frontier{display:none}th{position:static}header{background:none}}
`;
