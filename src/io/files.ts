/** Reading input files: bytes, their SHA-256 (recorded in every output), JSON with positions. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { jsonErrorOffset } from './json-position.js';

export interface InputFile {
  readonly path: string;
  readonly bytes: Buffer;
  readonly sha256: string;
}

export function readInput(path: string, shownAs: string = path): InputFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `an unreadable file (${code ?? String(e)})`;
    throw new InputError([{ file: shownAs, expected: 'a readable file', found }]);
  }
  return { path, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Parse JSON; a syntax error names the line and column. */
export function parseJson(file: InputFile, shownAs: string): unknown {
  let text = file.bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (e) {
    const offset = jsonErrorOffset(text);
    let row: number | undefined;
    let column: string | undefined;
    if (offset >= 0) {
      const before = text.slice(0, offset);
      row = before.split('\n').length;
      column = String(offset - before.lastIndexOf('\n'));
    }
    const near = offset >= text.length ? 'the end of the file' : offset >= 0 ? JSON.stringify(text.slice(offset, offset + 12)) : (e as Error).message;
    throw new InputError([{ file: shownAs, row, column, expected: 'valid JSON', found: near }]);
  }
}
