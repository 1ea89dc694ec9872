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
