/**
 * Decode a text file the way a Chinese desktop writes it: UTF-8 (with or without BOM),
 * UTF-16 with BOM (Excel's "Unicode text"), or GB18030 (Excel's "CSV" on a Chinese
 * Windows). Detection is by content: a BOM, else strict UTF-8, else strict GB18030.
 */
import { isUtf8 } from 'node:buffer';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030';

export type Decoded = { ok: true; text: string; encoding: Encoding } | { ok: false; found: string };

/**
 * The UTF-8 text of `bytes` still as bytes, where `decodeText` would read them as UTF-8 (with or
 * without BOM): the bytes after the BOM and the encoding; null for anything else, which
 * `decodeText` decides (another encoding, a NUL, bytes that are not UTF-8, or a second BOM, which
 * the decoder would drop too). Decoding the text `bytes.toString('utf8')` then gives what
 * `decodeText` does.
 */
export function utf8Text(bytes: Uint8Array): { bytes: Buffer; encoding: 'utf-8' | 'utf-8-bom' } | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  const body = bom ? b.subarray(3) : b;
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return null;
  if (body.indexOf(0) >= 0 || !isUtf8(body)) return null;
  return { bytes: body, encoding: bom ? 'utf-8-bom' : 'utf-8' };
}

/** How many two-byte GB18030 codes there are: leads 0x81–0xFE, trails 0x40–0x7E and 0x80–0xFE. */
const GB_CODES = 126 * 190;

/** Per two-byte GB18030 code, the character the decoder reads it as; 0 where it reads none (or one outside the table's reach). */
let gbTable: Uint16Array | null | undefined;

/**
 * The table of every two-byte code, read by the decoder itself: all of them in one text, each
 * followed by a line feed, decoded once. A code the decoder refuses gives U+FFFD (and, with an
 * ASCII trail, that byte too), so a code's piece is its character exactly where it is one UTF-16
 * unit, from U+0080 up, not a surrogate nor U+FFFD. Null where the decoder does not answer in
 * that shape (then no file is transcoded here).
 */
function gb18030Table(): Uint16Array | null {
  if (gbTable !== undefined) return gbTable;
  const all = new Uint8Array(3 * GB_CODES);
  let k = 0;
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      all[k++] = lead;
      all[k++] = trail;
      all[k++] = 0x0a;
    }
  }
  const pieces = new TextDecoder('gb18030').decode(all).split('\n');
  if (pieces.length !== GB_CODES + 1) return (gbTable = null);
  const table = new Uint16Array(GB_CODES);
  for (let i = 0; i < GB_CODES; i++) {
    const piece = pieces[i]!;
    const c = piece.length === 1 ? piece.charCodeAt(0) : 0;
    table[i] = c >= 0x80 && (c < 0xd800 || c > 0xdfff) && c !== 0xfffd ? c : 0;
  }
  return (gbTable = table);
}

/**
 * The UTF-8 bytes of the text `decodeText` reads from a GB18030 file, where the file holds only
 * ASCII and two-byte codes: each code looked up in a table the decoder made (`gb18030Table`) and
 * written as UTF-8 straight away, without the text as a string in between (about a third of the
 * time at 100,000 applications). Null wherever `decodeText` would not read the bytes as GB18030
 * or the file holds anything else: a BOM, valid UTF-8, a control character the decoder's check
 * refuses (NUL among them), the byte 0x80, a four-byte code, an invalid or cut one. Then
 * `decodeText` decides, as before.
 */
export function gb18030Utf8(bytes: Uint8Array): Buffer | null {
  const n = bytes.length;
  if (n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return null;
  const table = gb18030Table();
  if (table === null || isUtf8(bytes)) return null;
  // Each two-byte code becomes at most three bytes.
  const out = Buffer.allocUnsafe(n + (n >>> 1) + 1);
  let o = 0;
  for (let i = 0; i < n; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      // The decoder's check refuses C0 controls but tab, line feed, vertical tab, form feed and carriage return.
      if (b < 0x20 && (b < 0x09 || b > 0x0d)) return null;
      out[o++] = b;
      i++;
      continue;
    }
    if (b === 0x80 || b === 0xff || i + 1 >= n) return null;
    const t = bytes[i + 1]!;
    if (t < 0x40 || t === 0x7f || t === 0xff) return null;
    const c = table[(b - 0x81) * 190 + (t < 0x7f ? t - 0x40 : t - 0x41)]!;
    if (c === 0) return null;
    if (c < 0x800) {
      out[o++] = 0xc0 | (c >>> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else {
      out[o++] = 0xe0 | (c >>> 12);
      out[o++] = 0x80 | ((c >>> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
    i += 2;
  }
  return out.subarray(0, o);
}

export function decodeText(bytes: Uint8Array): Decoded {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return strict('utf-8', bytes.subarray(3), 'utf-8-bom');
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return strict('utf-16le', bytes.subarray(2), 'utf-16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return strict('utf-16be', bytes.subarray(2), 'utf-16be');
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { ok: false, found: `a binary file (NUL byte at offset ${nul})` };
  const utf8 = strict('utf-8', bytes, 'utf-8');
  if (utf8.ok) return utf8;
  const gb = strict('gb18030', bytes, 'gb18030');
  if (gb.ok && !/[\u0000-\u0008\u000e-\u001f]/.test(gb.text)) return gb;
  return { ok: false, found: 'bytes that are neither UTF-8 nor GB18030 text' };
}

function strict(label: string, bytes: Uint8Array, encoding: Encoding): Decoded {
  try {
    const text = new TextDecoder(label, { fatal: true }).decode(bytes);
    if (text.includes('\u0000')) return { ok: false, found: 'a binary file (NUL character)' };
    return { ok: true, text, encoding };
  } catch {
    return { ok: false, found: `bytes that are not valid ${label}` };
  }
}

/** \s by UTF-16 unit: white space and line terminators, the characters `String.prototype.trim` drops. */
export function isSpace(c: number): boolean {
  if (c < 0xa0) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
