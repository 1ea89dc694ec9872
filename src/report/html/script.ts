/**
 * report.html's one script, inlined and allowed by its hash in the page's
 * Content-Security-Policy (html.ts). It carries no data: it filters the project table on the
 * DOM as the search box is typed in, sorts it by the column clicked, and opens every
 * <details> for printing.
 */
export const SCRIPT = `
(function () {
  var table = document.getElementById('projects');
  var box = document.getElementById('project-search');
  var shown = document.getElementById('project-shown');
  var printNote = document.getElementById('project-print-note');
  if (!table || !box || !shown) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  rows.forEach(function (r, i) { r.setAttribute('data-i', String(i)); });
  function filter() {
    var terms = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var k = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = terms.every(function (t) { return texts[i].indexOf(t) >= 0; });
      rows[i].hidden = !ok;
      if (ok) k++;
    }
    shown.textContent = String(k);
    if (printNote) {
      printNote.hidden = k === rows.length;
      printNote.textContent = (printNote.getAttribute('data-template') || '').replace('{k}', String(k)).replace('{n}', String(rows.length));
    }
  }
  box.addEventListener('input', filter);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, col) {
    var b = th.querySelector('button');
    if (!b) return;
    b.addEventListener('click', function () {
      var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir);
      var num = th.getAttribute('data-type') === 'num';
      var sign = dir === 'ascending' ? 1 : -1;
      var keyed = rows.map(function (r) {
        var c = r.cells[col];
        var v = c.getAttribute('data-v');
        return { r: r, k: num ? Number(v !== null ? v : c.textContent) : (v !== null ? v : c.textContent), i: Number(r.getAttribute('data-i')) };
      });
      keyed.sort(function (a, b) {
        var d = num ? a.k - b.k : a.k.localeCompare(b.k, 'zh-Hans-CN');
        return d !== 0 && d === d ? sign * d : a.i - b.i;
      });
      var frag = document.createDocumentFragment();
      keyed.forEach(function (x) { frag.appendChild(x.r); });
      body.appendChild(frag);
    });
  });
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.slice.call(document.querySelectorAll('details:not([open])'));
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
`;
