/**
 * Hostile inputs shared by the tests and the read benchmark: a ZIP bomb inside an otherwise
 * valid workbook, whose directory may lie about the size.
 */
import { constants, deflateRawSync } from 'node:zlib';
import { readZipDirectory } from '../src/io/zip.js';

/** `mib` MiB of zeros as raw deflate in about `mib` KiB: a sync-flushed 1 MiB block repeated, then a final empty block. */
export function deflatedZeros(mib: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat([...Array<Buffer>(mib).fill(block), Buffer.from([0x03, 0x00])]);
}

/**
 * The workbook with the compressed data of its entry ending in `entry` replaced by `mib` MiB of
 * deflated zeros, both size fields set to `declared` (a lie, unless it is the truth), the
 * entries after it and the central directory moved along.
 */
export function withZipBomb(workbook: Uint8Array, opts: { entry: string; mib: number; declared: number }): Buffer {
  const base = Buffer.from(workbook);
  const bomb = deflatedZeros(opts.mib);
  const target = [...readZipDirectory(base, 1000).values()].find((e) => e.name.endsWith(opts.entry));
  if (!target) throw new Error(`no entry ${opts.entry}`);
  const start = target.localOffset + 30 + base.readUInt16LE(target.localOffset + 26) + base.readUInt16LE(target.localOffset + 28);
  const out = Buffer.concat([base.subarray(0, start), bomb, base.subarray(start + target.compressedSize)]);
  const shift = bomb.length - target.compressedSize;
  out.writeUInt32LE(bomb.length, target.localOffset + 18);
  out.writeUInt32LE(opts.declared, target.localOffset + 22);
  for (let o = start + bomb.length; o + 4 <= out.length; o++) {
    const sig = out.readUInt32LE(o);
    if (sig === 0x02014b50) {
      const local = out.readUInt32LE(o + 42);
      if (local === target.localOffset) {
        out.writeUInt32LE(bomb.length, o + 20);
        out.writeUInt32LE(opts.declared, o + 24);
      } else if (local > target.localOffset) out.writeUInt32LE(local + shift, o + 42);
    } else if (sig === 0x06054b50) out.writeUInt32LE(out.readUInt32LE(o + 16) + shift, o + 16);
  }
  return out;
}
