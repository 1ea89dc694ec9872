/**
 * Every relative link in README.md and docs/*.md resolves: to a file of the repository, and
 * for `file.md#anchor` (or `#anchor`) to a heading of that file, slugged as GitHub does
 * (lower case; punctuation dropped, Chinese characters kept; spaces to hyphens; a repeated
 * heading gets -1, -2 …). Links to http(s) and mailto are not checked.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function markdownFiles(root: string): string[] {
  const docs = join(root, 'docs');
  const inDocs = existsSync(docs) ? readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => join(docs, f)) : [];
  return [join(root, 'README.md'), ...inDocs.sort()];
}

/** The text outside fenced code blocks, line by line (fenced lines become empty: line numbers stay). */
function proseLines(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split(/\r?\n/).map((line) => {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === null) fence = m[1]![0]!.repeat(m[1]!.length);
      else if (m[1]!.startsWith(fence)) fence = null;
      return '';
    }
    return fence === null ? line : '';
  });
}

/** GitHub's heading slug (github-slugger): lower case, drop what is not a letter, mark, number, `_`, `-` or space, spaces to `-`. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/[`*~]/g, ''); // code spans, emphasis, strike-through markers (_ stays: GitHub keeps it)
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a markdown file's headings, with GitHub's -1, -2 suffixes for repeats. */
export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const m = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface Link {
  readonly line: number;
  readonly target: string;
}

/** Inline links and images `[text](target "title")` and reference definitions `[x]: target`, outside code. */
export function links(markdown: string): Link[] {
  const out: Link[] = [];
  proseLines(markdown).forEach((raw, i) => {
    const line = raw.replace(/`[^`]*`/g, ''); // inline code is not a link
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) {
      out.push({ line: i + 1, target: m[1]!.replace(/^<|>$/g, '') });
    }
    const def = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
    if (def) out.push({ line: i + 1, target: def[1]!.replace(/^<|>$/g, '') });
  });
  return out;
}

/** The broken links of one markdown file, as `file:line: target (why)`. */
export function brokenLinks(file: string, root: string): string[] {
  const text = readFileSync(file, 'utf8');
  const shown = relative(root, file);
  const broken: string[] = [];
  for (const { line, target } of links(text)) {
    if (/^(https?:|mailto:)/i.test(target)) continue;
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
    const dest = pathPart === '' ? file : resolve(dirname(file), pathPart);
    const where = `${shown}:${line}: ${target}`;
    if (relative(root, dest).startsWith('..')) {
      broken.push(`${where} (outside the repository)`);
      continue;
    }
    if (!existsSync(dest)) {
      broken.push(`${where} (no such file)`);
      continue;
    }
    if (anchor !== null && anchor !== '' && dest.endsWith('.md') && !anchors(readFileSync(dest, 'utf8')).has(anchor)) {
      broken.push(`${where} (no heading with this anchor in ${relative(root, dest)})`);
    }
  }
  return broken;
}

describe('documentation links', () => {
  it('finds the README and the docs', () => {
    const files = markdownFiles(ROOT);
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(existsSync(f), f).toBe(true);
  });

  it.each(markdownFiles(ROOT).map((f) => [relative(ROOT, f), f]))('every relative link in %s resolves', (_shown, file) => {
    expect(brokenLinks(file, ROOT)).toEqual([]);
  });

  it('slugs headings as GitHub does', () => {
    expect(slug('How an allocation is made')).toBe('how-an-allocation-is-made');
    expect(slug('`--lock`: later batches')).toBe('--lock-later-batches');
    expect(slug('三、读懂输出文件（allocations.csv）')).toBe('三读懂输出文件allocationscsv');
    expect(slug('Solver backends & time limits')).toBe('solver-backends--time-limits');
    expect([...anchors('# A\n\n```\n# not a heading\n```\n## A\n')]).toEqual(['a', 'a-1']);
  });

  it('reports a broken file link and a broken anchor, not a working one', () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-links-'));
    try {
      mkdirSync(join(root, 'docs'));
      writeFileSync(join(root, 'docs', '指南.md'), '# 一、准备申报表（万元）\n');
      writeFileSync(
        join(root, 'README.md'),
        [
          '# Top',
          '[ok](docs/指南.md#一准备申报表万元) [self](#top) [web](https://example.com) `[code](x.md)`',
          '[missing](docs/nope.md) [bad anchor](docs/指南.md#二) [outside](../elsewhere.md)',
          '```',
          '[in a fence](fenced.md)',
          '```',
        ].join('\n'),
      );
      expect(markdownFiles(root).map((f) => relative(root, f))).toEqual(['README.md', join('docs', '指南.md')]);
      expect(brokenLinks(join(root, 'README.md'), root)).toEqual([
        'README.md:3: docs/nope.md (no such file)',
        'README.md:3: docs/指南.md#二 (no heading with this anchor in docs/指南.md)',
        'README.md:3: ../elsewhere.md (outside the repository)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
