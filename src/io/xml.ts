/**
 * A small, strict-enough XML scanner for the parts of an .xlsx: elements, attributes, text,
 * CDATA; comments and processing instructions skipped. Linear in the input, no recursion, no
 * entity definitions (a DOCTYPE is refused: no billion laughs). Names lose their namespace
 * prefix (`x:c` → `c`); attributes keep theirs as well (`r:id`).
 */
export class XmlError extends Error {
  constructor(readonly what: string, readonly offset: number) {
    super(`${what} at character ${offset}`);
    this.name = 'XmlError';
  }
}

export interface XmlHandler {
  /** `attrs` is the raw attribute text: read it with `attrsOf`. */
  open(name: string, attrs: string, selfClosing: boolean): void;
  close(name: string): void;
  /** Raw text between tags (entities not yet decoded: `unescapeXml`), or CDATA (decoded). */
  text(raw: string, cdata: boolean): void;
}

const local = (qname: string) => {
  const c = qname.indexOf(':');
  return c < 0 ? qname : qname.slice(c + 1);
};

/** XML's white space: space, tab, line feed, carriage return. */
export const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** Scan `xml` from the start; the handler keeps its state between calls (chunks end between elements). */
export function scanXml(xml: string, h: XmlHandler): void {
  const n = xml.length;
  let i = 0;
  let nextDq = 0;
  let nextSq = 0;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      h.text(xml.slice(i), false);
      return;
    }
    if (lt > i) h.text(xml.slice(i, lt), false);
    const c = xml.charCodeAt(lt + 1);
    if (c === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end < 0) throw new XmlError('a comment that never ends', lt);
        i = end + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt + 9);
        if (end < 0) throw new XmlError('a CDATA section that never ends', lt);
        h.text(xml.slice(lt + 9, end), true);
        i = end + 3;
      } else {
        throw new XmlError('a DOCTYPE or other declaration (not allowed in a workbook)', lt);
      }
      continue;
    }
    if (c === 63 /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) throw new XmlError('a processing instruction that never ends', lt);
      i = end + 2;
      continue;
    }
    if (c === 47 /* / */) {
      const end = xml.indexOf('>', lt + 2);
      if (end < 0) throw new XmlError('an end tag that never ends', lt);
      h.close(local(xml.slice(lt + 2, end).trim()));
      i = end + 1;
      continue;
    }
    // A start tag: its '>' is the first one outside quoted attribute values (found with indexOf,
    // attribute by attribute: this is the hot loop of a 200,000-row sheet).
    let j = xml.indexOf('>', lt + 1);
    for (let q = lt + 1; j >= 0; ) {
      // The next quote of each kind at or after q; a search that found none is never repeated (linear overall).
      if (nextDq >= 0 && nextDq < q) nextDq = xml.indexOf('"', q);
      if (nextSq >= 0 && nextSq < q) nextSq = xml.indexOf("'", q);
      const open = nextDq < 0 ? nextSq : nextSq < 0 ? nextDq : Math.min(nextDq, nextSq);
      if (open < 0 || open > j) break;
      const close = xml.indexOf(xml[open]!, open + 1);
      if (close < 0) throw new XmlError('an attribute value that never ends', open);
      if (close > j) j = xml.indexOf('>', close + 1);
      q = close + 1;
    }
    if (j < 0) throw new XmlError('a tag that never ends', lt);
    const selfClosing = xml.charCodeAt(j - 1) === 47;
    const inner = xml.slice(lt + 1, selfClosing ? j - 1 : j);
    let k = 0;
    while (k < inner.length && !isSpace(inner.charCodeAt(k))) k++;
    const name = inner.slice(0, k);
    if (name === '') throw new XmlError('a tag without a name', lt);
    const ln = local(name);
    h.open(ln, inner.slice(k), selfClosing);
    if (selfClosing) h.close(ln);
    i = j + 1;
  }
}

/** Attributes of a tag, by qualified and by local name (the first of either wins). */
export function attrsOf(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  const n = raw.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(raw.charCodeAt(i))) i++;
    const eq = raw.indexOf('=', i);
    if (eq < 0) break;
    const name = raw.slice(i, eq).trim();
    let q = eq + 1;
    while (q < n && isSpace(raw.charCodeAt(q))) q++;
    const quote = raw[q];
    if (quote !== '"' && quote !== "'") break;
    const end = raw.indexOf(quote, q + 1);
    if (end < 0) break;
    const value = unescapeXml(raw.slice(q + 1, end));
    if (!(name in out)) out[name] = value;
    const ln = local(name);
    if (!(ln in out)) out[ln] = value;
    i = end + 1;
  }
  return out;
}

const ENTITY = /&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function unescapeXml(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY, (m, e: string) => {
    if (e[0] !== '#') return NAMED[e]!;
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : m;
  });
}

/** Text as XML content (and attribute values): & < > " escaped. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}
