/**
 * The ZIP container of an .xlsx, read and written with bounds. Reading trusts nothing in the
 * file: the central directory is checked against the file's length, an entry's declared size
 * against the budget before it is inflated, and inflation itself is capped (zlib's
 * maxOutputLength), so a zip bomb is refused after at most `budget` bytes, however it lies.
 * The CRC-32 of every entry read is checked. Writing is deterministic: fixed timestamps, so
 * the same sheets give the same bytes.
 */
import { once } from 'node:events';
import { constants, createDeflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import * as zlib from 'node:zlib';

/** The file is not a ZIP fundplan can read; `found` says what it is instead. */
export class ZipFormatError extends Error {
  constructor(readonly found: string) {
    super(found);
    this.name = 'ZipFormatError';
  }
}

/** Reading an entry would pass the inflation budget. */
export class ZipBudgetError extends Error {
  constructor(readonly entry: string, readonly declared: number | null) {
    super(`inflating ${entry} passes the budget`);
    this.name = 'ZipBudgetError';
  }
}

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;

/** A ZIP starts with a local file header (or, empty, with the end record). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The central directory: every entry by name. Throws ZipFormatError on anything inconsistent. */
export function readZipDirectory(bytes: Uint8Array, maxEntries: number): Map<string, ZipEntry> {
  const dv = view(bytes);
  const n = bytes.length;
  const u32 = (o: number) => {
    if (o < 0 || o + 4 > n) throw new ZipFormatError('a truncated or damaged ZIP (a directory record points past the end of the file)');
    return dv.getUint32(o, true);
  };
  const u16 = (o: number) => {
    if (o < 0 || o + 2 > n) throw new ZipFormatError('a truncated or damaged ZIP (a directory record points past the end of the file)');
    return dv.getUint16(o, true);
  };
  // The end record is in the last 22 + 65,535 (comment) bytes.
  let end = -1;
  for (let o = n - 22; o >= Math.max(0, n - 22 - 0xffff); o--) {
    if (dv.getUint32(o, true) === SIG_END) {
      end = o;
      break;
    }
  }
  if (end < 0) throw new ZipFormatError('a truncated or damaged ZIP (no end of central directory: the file was cut short?)');
  let count = u16(end + 10);
  let cdSize = u32(end + 12);
  let cdOffset = u32(end + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = end - 20;
    if (loc < 0 || u32(loc) !== SIG_END64_LOCATOR) throw new ZipFormatError('a damaged ZIP64 archive (no ZIP64 locator)');
    const e64 = Number(dv.getBigUint64(loc + 8, true));
    if (e64 < 0 || e64 + 56 > n || u32(e64) !== SIG_END64) throw new ZipFormatError('a damaged ZIP64 archive (no ZIP64 end record)');
    count = Number(dv.getBigUint64(e64 + 32, true));
    cdSize = Number(dv.getBigUint64(e64 + 40, true));
    cdOffset = Number(dv.getBigUint64(e64 + 48, true));
  }
  if (count > maxEntries) throw new ZipFormatError(`a ZIP of ${count} entries (a workbook has a few dozen; at most ${maxEntries} are read)`);
  if (cdOffset + cdSize > n) throw new ZipFormatError('a truncated or damaged ZIP (the central directory lies past the end of the file)');

  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder('utf-8');
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (u32(p) !== SIG_CENTRAL) throw new ZipFormatError('a damaged ZIP (a central directory record is missing)');
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const crc = u32(p + 16);
    let compressedSize = u32(p + 20);
    let uncompressedSize = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    let localOffset = u32(p + 42);
    if (p + 46 + nameLen + extraLen > n) throw new ZipFormatError('a truncated or damaged ZIP (an entry name runs past the end)');
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen)).replace(/^\/+/, '').replace(/\\/g, '/');
    // ZIP64 sizes and offset, in this order, for the fields that overflowed.
    if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      let e = p + 46 + nameLen;
      const eEnd = e + extraLen;
      while (e + 4 <= eEnd) {
        const id = u16(e);
        const size = u16(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          const next = () => {
            if (q + 8 > e + 4 + size) throw new ZipFormatError('a damaged ZIP64 extra field');
            const v = Number(dv.getBigUint64(q, true));
            q += 8;
            return v;
          };
          if (uncompressedSize === 0xffffffff) uncompressedSize = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localOffset === 0xffffffff) localOffset = next();
        }
        e += 4 + size;
      }
    }
    if (!entries.has(name)) entries.set(name, { name, method, flags, crc, compressedSize, uncompressedSize, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * Inflate one entry, refusing to produce more than `budget` bytes. Throws ZipBudgetError
 * past the budget, ZipFormatError for encryption, unknown methods, damage or a CRC mismatch.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, budget: number): Buffer {
  if (entry.flags & 1) throw new ZipFormatError(`an encrypted ZIP entry (${entry.name}): save the workbook without a password`);
  if (entry.uncompressedSize > budget) throw new ZipBudgetError(entry.name, entry.uncompressedSize);
  const dv = view(bytes);
  const o = entry.localOffset;
  if (o + 30 > bytes.length || dv.getUint32(o, true) !== SIG_LOCAL) {
    throw new ZipFormatError(`a damaged ZIP (the data of ${entry.name} is missing)`);
  }
  const start = o + 30 + dv.getUint16(o + 26, true) + dv.getUint16(o + 28, true);
  const stop = start + entry.compressedSize;
  if (stop > bytes.length) throw new ZipFormatError(`a truncated ZIP (${entry.name} is cut short)`);
  const data = bytes.subarray(start, stop);
  let out: Buffer;
  if (entry.method === 0) {
    out = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  } else if (entry.method === 8) {
    try {
      // +1: an entry that would fill the budget exactly is allowed; one byte more is not.
      // Output in one buffer of the declared size where that is honest (no second copy when the
      // pieces are joined); a false declaration only costs pieces, still capped by the budget.
      const chunkSize = Math.min(Math.max(entry.uncompressedSize + 1, 64 * 1024), budget + 1, 256 * 1024 * 1024);
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, budget + 1), finishFlush: constants.Z_FINISH, chunkSize });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw new ZipBudgetError(entry.name, null);
      throw new ZipFormatError(`a damaged ZIP (${entry.name} does not inflate: ${(e as Error).message})`);
    }
  } else {
    throw new ZipFormatError(`a ZIP entry compressed with method ${entry.method} (${entry.name}); only stored and deflated entries are read`);
  }
  if (out.length > budget) throw new ZipBudgetError(entry.name, null);
  if (out.length !== entry.uncompressedSize) {
    throw new ZipFormatError(`a damaged ZIP (${entry.name} inflates to ${out.length} bytes, its directory says ${entry.uncompressedSize})`);
  }
  if (crc32(out) !== entry.crc) throw new ZipFormatError(`a damaged ZIP (${entry.name} fails its CRC-32 check)`);
  return out;
}

// ---------------------------------------------------------------------------------------
let CRC_TABLE: Uint32Array | null = null;
function crcTable(): Uint32Array {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[i] = c >>> 0;
    }
  }
  return CRC_TABLE;
}
const nativeCrc = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 (ZIP's): zlib's native one where Node has it (20.15+), else a table; `value`: the CRC-32 of the data before `data` (data in pieces). */
export function crc32(data: Uint8Array, value = 0): number {
  if (nativeCrc) return nativeCrc(data, value) >>> 0;
  const t = crcTable();
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00, the DOS epoch: every entry gets it, so output bytes depend on content only. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

/** The fields a local header (from offset 4) and a central directory record (from offset 6) share. */
function entryFields(b: Buffer, at: number, crc: number, compressed: number, uncompressed: number, nameLength: number): void {
  b.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
  b.writeUInt16LE(0x0800, at + 2); // UTF-8 names
  b.writeUInt16LE(8, at + 4); // deflated
  b.writeUInt16LE(DOS_TIME, at + 6);
  b.writeUInt16LE(DOS_DATE, at + 8);
  b.writeUInt32LE(crc, at + 10);
  b.writeUInt32LE(compressed, at + 14);
  b.writeUInt32LE(uncompressed, at + 18);
  b.writeUInt16LE(nameLength, at + 22);
}

// Level 3: 5% larger than level 6, a third faster at 100,000 rows.
const DEFLATE = { level: 3 } as const;

/** An entry's data already deflated (e.g. on a worker thread), with what the headers need. */
export interface Deflated {
  readonly deflated: Uint8Array;
  readonly crc: number;
  readonly size: number;
}

export type ZipFile = { readonly name: string; readonly data: Uint8Array } | { readonly name: string; readonly compressed: Deflated };

/** Deflate one entry's data now, on this thread. */
export function deflateEntry(data: Uint8Array): Deflated {
  return { deflated: deflateRawSync(data, DEFLATE), crc: crc32(data), size: data.length };
}

/**
 * Deflate one entry's data arriving in pieces, on zlib's thread pool while the pieces are made:
 * the same bytes as `deflateEntry` of the pieces joined (deflate's output does not depend on
 * how its input is split when nothing is flushed in between). A piece must not be changed once
 * given, until it is handed to `consumed` (zlib read all of it), if that is given.
 */
export async function deflateChunks(chunks: Iterable<Uint8Array>, consumed?: (chunk: Uint8Array) => void): Promise<Deflated> {
  const stream = createDeflateRaw(DEFLATE);
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const ended = once(stream, 'end');
  ended.catch(() => undefined); // awaited below; an error while writing surfaces there first
  let crc = 0;
  let size = 0;
  try {
    for (const chunk of chunks) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      const more = consumed ? stream.write(chunk, (e) => e || consumed(chunk)) : stream.write(chunk);
      if (!more) await once(stream, 'drain');
    }
  } catch (e) {
    stream.destroy();
    throw e;
  }
  stream.end();
  await ended;
  return { deflated: Buffer.concat(out), crc, size };
}

/** A ZIP of deflated entries (UTF-8 names), in the order given. */
export function writeZip(files: readonly ZipFile[]): Buffer {
  return Buffer.concat(writeZipParts(files));
}

/** The same ZIP's bytes as the pieces they are made of, in order (not copied into one buffer: the deflated entries are most of it). */
export function writeZipParts(files: readonly ZipFile[]): Uint8Array[] {
  return assembleZip(files.map((f) => ('compressed' in f ? f : { name: f.name, compressed: deflateEntry(f.data) })));
}

function assembleZip(files: readonly { readonly name: string; readonly compressed: Deflated }[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const { deflated: data, crc, size } = f.compressed;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    entryFields(local, 4, crc, data.length, size, name.length);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(SIG_CENTRAL, 0);
    cd.writeUInt16LE(20, 4); // made by: 2.0
    entryFields(cd, 6, crc, data.length, size, name.length);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(cd, name);
    offset += local.length + name.length + data.length;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_END, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return [...parts, ...central, end];
}
