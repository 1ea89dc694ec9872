import { Utf8Chunks } from '../io/write.js';

/**
 * Text made of many small pieces (the rows of a big table), joined with a separator as
 * `pieces.join(separator)` would, but a few thousand characters at a time: each run of pieces is
 * joined into one flat string while its pieces are new (a row made by a template is a tree of
 * small strings), and the whole text is the join of those runs (`text`), or their UTF-8 in
 * chunks (`utf8`), the whole text never made. Reading tens of thousands of trees that garbage
 * collection has already moved across the heap, in one join at the end, was the larger part of
 * writing report.html and report.md.
 */
export class Chunks {
  private readonly pieces: string[] = [];
  private readonly runs: string[] = [];
  private size = 0;

  constructor(
    private readonly separator = '',
    /** Characters in a run before it is joined. */
    private readonly runLength = 8192,
  ) {}

  push(...pieces: string[]): void {
    for (const piece of pieces) {
      this.pieces.push(piece);
      this.size += piece.length;
    }
    if (this.size >= this.runLength) this.close();
  }

  private close(): void {
    if (this.pieces.length === 0) return;
    this.runs.push(this.pieces.join(this.separator));
    this.pieces.length = 0;
    this.size = 0;
  }

  /** The text so far. */
  text(): string {
    this.close();
    return this.runs.join(this.separator);
  }

  /**
   * The text so far as UTF-8 in pieces of about a megabyte, with `prefix` and `suffix` around it:
   * for a file, whose text as one string (two bytes a character for most Chinese pages) would be
   * made only to be encoded.
   */
  utf8(prefix = '', suffix = ''): Uint8Array[] {
    this.close();
    const pieces: Uint8Array[] = [];
    const sink = new Utf8Chunks((chunk) => void pieces.push(chunk));
    // A text ending in the first half of a surrogate pair keeps it back for the next, so that a
    // pair split between two runs is encoded as its one character, as in the whole text.
    let held = '';
    const write = (s: string) => {
      if (s === '') return;
      const t = held + s;
      const last = t.charCodeAt(t.length - 1);
      held = last >= 0xd800 && last <= 0xdbff ? t.slice(-1) : '';
      sink.write(held === '' ? t : t.slice(0, -1));
    };
    write(prefix);
    for (let i = 0; i < this.runs.length; i++) {
      if (i) write(this.separator);
      write(this.runs[i]!);
    }
    write(suffix);
    sink.write(held);
    sink.end();
    return pieces;
  }
}

/** A text before and after a part made elsewhere (a page around its public notice), as text or as UTF-8 pieces. */
export interface Around {
  text(): readonly [string, string];
  utf8(): readonly [Uint8Array[], Uint8Array[]];
}

/** `before`'s text and `after`'s around a part, `edge` between each and the part. */
export function around(before: Chunks, after: Chunks, edge = ''): Around {
  return {
    text: () => [before.text() + edge, edge + after.text()],
    utf8: () => [before.utf8('', edge), after.utf8(edge, '')],
  };
}
