/**
 * Text made of many small pieces (the rows of a big table), joined with a separator as
 * `pieces.join(separator)` would, but a few thousand characters at a time: each run of pieces is
 * joined into one flat string while its pieces are new (a row made by a template is a tree of
 * small strings), and the whole text is the join of those runs. Reading tens of thousands of
 * trees that garbage collection has already moved across the heap, in one join at the end, was
 * the larger part of writing report.html and report.md.
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
}
