/**
 * The big outputs made on worker threads (what `fundplan solve` does for big batches) are the
 * same bytes as made on the main thread: each job, and the whole set of files a solve writes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ALLOCATION_COLUMNS, allocationTable, batchOf } from '../src/report/allocations.js';
import { packTable, tableRowSource, tableRows, type TextTable } from '../src/report/text-table.js';
import { BINDING_ZH } from '../src/report/labels.js';
import { yuanText } from '../src/report/fen.js';
import { HERE, OFFLOAD_MIN_BYTES, OFFLOAD_MIN_ROWS, openFormatter, type Formatter, packNotice, packReport, pagesData, runJob, unpackReport, type AroundBytes, type Done, type FileBytes, type Job, type NoticeParts, type PagesDone } from '../src/report/offload.js';
import { renderHtml } from '../src/report/html.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { CompressedSheet } from '../src/io/xlsx-write.js';
import { solveScenario } from '../src/commands/solve.js';
import { formatAside, writeOutputs } from '../src/pipeline/outputs.js';
import { fixture, removeFixtures } from './helpers/cli-fixtures.js';

afterAll(removeFixtures);

/** A scenario name the sheets' footers print, with characters a footer code must escape. */
const SCENARIO = '2019 年度 R&D 计划 &P';

function rows(n: number): string[][] {
  return Array.from({ length: n }, (_, i) =>
    ALLOCATION_COLUMNS.map((c) =>
      c === 'project_name' ? `=HYPERLINK("x") 项目 ${i} <b>&` : c === 'note' ? `资助 ¥${i},000：总预算已用\u0001` : ['year', 'score', 'requested', 'entitlement', 'grant', 'batch'].includes(c) ? String(i * 7) : `${c}-${i}`,
    ),
  );
}

/** allocations.csv's columns that allocationTable codes, and commitments.csv's that commitmentTable codes. */
const ALLOCATIONS_CODED = ['district', 'measure', 'measure_name', 'clause', 'year', 'score', 'batch', 'binding', 'binding_zh'].map((c) => ALLOCATION_COLUMNS.indexOf(c as (typeof ALLOCATION_COLUMNS)[number]));
const LEDGER_CODED = [4, 5, 7, 8, 10];

/** Rows (of `width` columns) as a table: the columns `coded` coded (their values in reverse order of first use), the others as they are. */
function table(rows: readonly (readonly string[])[], coded: readonly number[] = ALLOCATIONS_CODED, width: number = ALLOCATION_COLUMNS.length): TextTable {
  const columns = Array.from({ length: width }, (_, k) => {
    const values = rows.map((r) => r[k]!);
    if (!coded.includes(k)) return { values };
    const distinct = [...new Set(values)].reverse();
    const code = new Map(distinct.map((v, i) => [v, i]));
    return { values: distinct, codes: Uint32Array.from(values, (v) => code.get(v)!) };
  });
  return { length: rows.length, columns };
}

/** commitments.csv's rows: text, whole numbers and amounts. */
function ledgerRows(n: number): string[][] {
  return Array.from({ length: n }, (_, i) => [`P${i}`, `+项目 "${i}"`, `C${i % 7}`, `公司, ${i}`, 'M1', '2024', `${i}00.00`, String(1 + (i % 3)), String(2024 + (i % 3)), `${i}0.00`, 'planned']);
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function expectSameFile(a: FileBytes, b: FileBytes): void {
  expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
  expect(a.sha256).toBe(b.sha256);
  expect(a.sha256).toBe(sha(a.bytes));
}

function expectSameSheet(a: CompressedSheet | null, b: CompressedSheet | null): void {
  if (a === null || b === null) return expect(a).toBe(b);
  expect({ ...a, compressed: { ...a.compressed, deflated: null } }).toEqual({ ...b, compressed: { ...b.compressed, deflated: null } });
  expect(Buffer.from(a.compressed.deflated).equals(Buffer.from(b.compressed.deflated))).toBe(true);
}

const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);

/** Two results of the same job, field by field. */
function expectSame<J extends Job>(a: Done<J>, b: Done<J>): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const [k, v] of Object.entries(a)) {
    const w = (b as unknown as Record<string, unknown>)[k];
    if (v !== null && 'bytes' in v) expectSameFile(v as FileBytes, w as FileBytes);
    else if (v !== null && 'before' in v) {
      const [x, y] = [v as AroundBytes, w as AroundBytes];
      same(Buffer.concat(x.before), Buffer.concat(y.before));
      same(Buffer.concat(x.after), Buffer.concat(y.after));
    } else if (k === 'parts') {
      const [x, y] = [v as NoticeParts, w as NoticeParts];
      same(x.html, y.html);
      same(x.markdown, y.markdown);
    } else expectSameSheet(v as CompressedSheet | null, w as CompressedSheet | null);
  }
}

/** The report's pages of a solve, around its notice's parts, as the writer puts them together. */
function pagesOf(pages: PagesDone, parts: NoticeParts): { html: string; markdown: string } {
  const join = (f: AroundBytes, part: Uint8Array) => Buffer.concat([...f.before, part, ...f.after]).toString('utf8');
  return { html: join(pages.html, parts.html), markdown: join(pages.markdown, parts.markdown) };
}

/** The format worker bundled into one file, which the command line of dist/bin starts (npm test builds first). */
const BUNDLED_WORKER = new URL('../dist/bin/format-worker.js', import.meta.url);

/** The compiled formatter (npm test builds first): the sources have no .js worker to start. */
async function compiled(): Promise<typeof openFormatter> {
  expect(existsSync(fileURLToPath(new URL('../dist/src/report/format-worker.js', import.meta.url)))).toBe(true);
  const path: string = '../dist/src/report/offload.js'; // a path, not a module the type checker follows
  return ((await import(path)) as { openFormatter: typeof openFormatter }).openFormatter;
}

async function solvedFixture() {
  const f = fixture();
  return { f, solved: await solveScenario({ scenario: f.scenario, noTimings: true }) };
}

describe("allocations.csv's rows as a table", () => {
  it("gives each line's fields as the line has them, coded or not", async () => {
    const { solved } = await solvedFixture();
    const { allocation, loaded } = solved.detail;
    const notes = allocation.lines.map((_, i) => `note ${i}`);
    const batches = { current: 3, of: new Map([[allocation.lines[1]!.app.projectId, 1]]) };
    const made = allocationTable(allocation, notes, batches);
    expect(made.length).toBe(allocation.lines.length);
    expect(made.columns.some((c) => 'codes' in c)).toBe(true);
    const expected = allocation.lines.map((line, i) => {
      const a = line.app;
      return [
        a.projectId, a.projectName, a.companyId, a.companyName, a.district, line.measure.id, line.measure.name.zh, line.measure.clause,
        String(a.year), a.score.toString(), a.requested ? yuanText(a.requested) : '',
        line.entitlement ? yuanText(line.entitlement.amount) : '', yuanText(line.grant), String(batchOf(batches, a.projectId)), line.binding, BINDING_ZH[line.binding],
        notes[i]!,
      ];
    });
    expect(tableRows(made)).toEqual(expected);
    expect(tableRows(made)[1]![ALLOCATION_COLUMNS.indexOf('batch')]).toBe('1');
    expect(loaded.applications.length).toBe(made.length);
    // The solve's own table is its rows.
    expect(tableRows(solved.detail.table)).toEqual(solved.detail.rows);
  });

  it('packed (each column of values one buffer) gives the same rows, read all at once or one at a time', () => {
    // Lone surrogates too: the buffer holds each string's code units as they are.
    const odd = ['', 'a', '', '𠀀字', '=1+2', 'x'.repeat(70), '\r\n,"', '', '\ud800', '\udc00x\ud83d'];
    const given = [...rows(40), ...odd.map((v, i) => ALLOCATION_COLUMNS.map((_, c) => (c % 2 ? v : odd[(i + c) % odd.length]!)))];
    for (const t of [table(given), table(given, []), table(given, ALLOCATION_COLUMNS.map((_, c) => c)), table([]), table(given.slice(0, 1))]) {
      const packed = packTable(t);
      const expected = tableRows(t);
      expect(packed.columns.every((c) => !('values' in c) || 'codes' in c)).toBe(true);
      expect(tableRows(packed)).toEqual(expected);
      const source = tableRowSource(packed);
      expect(source.length).toBe(expected.length);
      expect(source.width).toBe(ALLOCATION_COLUMNS.length);
      expect(Array.from({ length: source.length }, (_, i) => source.at(i))).toEqual(expected);
      expect(source.at(-1)).toBeUndefined();
      expect(source.at(source.length)).toBeUndefined();
    }
  });
});

describe('the big outputs off the main thread', () => {
  it('worker threads make byte for byte what this thread makes, for every job', async () => {
    const open = await compiled();
    const { solved } = await solvedFixture();
    const data = solved.detail.data;
    const parts = (await runJob({ kind: 'notice', notice: data.notice, scenario: SCENARIO, lang: data.lang })).parts;
    // The fixture has binding limits, so that the pages are seen not to read the summary's.
    expect(data.summary.limits.binding.length).toBeGreaterThan(0);
    const jobsOf = (): Job[] => [
      { kind: 'rows', rows: table(rows(3000)), scenario: SCENARIO },
      // The pages sent what they read: without the notice's rows (they read only its parts) or the summary's binding limits.
      { kind: 'pages', data: packReport(pagesData(data)) },
      { kind: 'notice', notice: packNotice(data.notice), scenario: SCENARIO, lang: data.lang },
      { kind: 'ledger', rows: table(ledgerRows(500), LEDGER_CODED, 11), lang: 'en', scenario: SCENARIO },
      { kind: 'ledger', rows: table([], LEDGER_CODED, 11), lang: 'zh', scenario: SCENARIO },
      { kind: 'rows', rows: table(rows(10)), scenario: SCENARIO },
      // Given unpacked, the notice and the pages are packed as a thread takes them, their buffers moved.
      { kind: 'pages', data: pagesData(data) },
      { kind: 'notice', notice: data.notice, scenario: SCENARIO, lang: data.lang },
    ];
    // The worker tsc compiled, and the one the command line starts (dist/bin, bundled from it).
    for (const worker of [undefined, BUNDLED_WORKER]) {
      const jobs = jobsOf();
      const formatter = open(jobs.length, 0, 2, worker)!;
      try {
        const remote = await Promise.all(jobs.map((j) => formatter.run(j)));
        for (const [i, r] of remote.entries()) expectSame(r, await runJob(jobs[i]!));
        // Sent packed or as it is, the report data makes the same files.
        expectSame(remote[1]!, await runJob({ kind: 'pages', data }));
        expectSame(remote[2]!, await runJob({ kind: 'notice', notice: data.notice, scenario: SCENARIO, lang: data.lang }));
        // Put together, the pages are those rendered in one piece.
        expect(pagesOf(remote[1] as PagesDone, parts)).toEqual({ html: renderHtml(data), markdown: renderMarkdown(data) });
        const first = remote[0] as Done<Extract<Job, { kind: 'rows' }>>;
        expect(first.detail.compressed.size).toBeGreaterThan(3000 * 100);
        expect((remote[4] as Done<Extract<Job, { kind: 'ledger' }>>).sheet).toBeNull();
        expect(Buffer.concat((remote[1] as PagesDone).html.before).length).toBeGreaterThan(1000);
        expect(Buffer.concat((remote[1] as PagesDone).markdown.after).length).toBeGreaterThan(100);
        expect((remote[2] as Done<Extract<Job, { kind: 'notice' }>>).csv.bytes.length).toBeGreaterThan(100);
        // A job that fails in the thread: its error comes back from the thread, named by the job
        // (one made here, as where a thread did not start, would throw bare).
        await expect(formatter.run({ kind: 'notice', notice: new Uint8Array([1, 2, 3]) as never, scenario: SCENARIO, lang: 'zh' })).rejects.toThrow(/^formatting /);
      } finally {
        formatter.close();
      }
    }
  });

  it('a solve writes the same files with its big outputs made on worker threads', async () => {
    const open = await compiled();
    const { f, solved } = await solvedFixture();
    const here = join(f.dir, 'here');
    const there = join(f.dir, 'there');
    await writeOutputs(solved, here);
    const formatter = open(0, 0)!;
    const aside = { formatter, rows: formatter.run({ kind: 'rows', rows: solved.detail.table, scenario: solved.summary.scenario.name }) } as const;
    await writeOutputs(solved, there, aside);
    const names = readdirSync(here).filter((n) => !n.startsWith('.'));
    expect(readdirSync(there).filter((n) => !n.startsWith('.')).sort()).toEqual(names.sort());
    expect(names).toContain('allocations.xlsx');
    for (const n of names) expect(readFileSync(join(there, n)).equals(readFileSync(join(here, n))), n).toBe(true);
  });

  it('a solve whose notice and ledger were started on the threads while it ran writes the same files', async () => {
    const open = await compiled();
    const { f, solved } = await solvedFixture();
    const here = join(f.dir, 'here-early');
    const there = join(f.dir, 'there-early');
    await writeOutputs(solved, here);
    const aside = formatAside(() => open(0, 0));
    const early = await solveScenario({ scenario: f.scenario, noTimings: true }, aside);
    const started = aside.started()!;
    expect(started.notice).toBeDefined();
    expect(started.ledger).toBeDefined();
    await writeOutputs(early, there, started);
    const names = readdirSync(here).filter((n) => !n.startsWith('.'));
    expect(readdirSync(there).filter((n) => !n.startsWith('.')).sort()).toEqual(names.sort());
    for (const n of names) expect(readFileSync(join(there, n)).equals(readFileSync(join(here, n))), n).toBe(true);
  });

  it('starts one thread as soon as a big file is read and the rest once it is parsed, and stops them where it holds fewer applications than pay off', () => {
    const opened: [number, number | undefined][] = [];
    let started = 0;
    let closed = 0;
    const open = (n: number, now?: number): Formatter => {
      opened.push([n, now]);
      return { run: () => new Promise(() => undefined), startAll: () => void started++, idle: () => false, runWaitingHere: () => undefined, close: () => void closed++ };
    };
    const big = formatAside(open);
    big.onApplicationsRead(OFFLOAD_MIN_BYTES - 1);
    expect(opened).toEqual([]);
    big.onApplicationsRead(OFFLOAD_MIN_BYTES);
    expect(opened).toEqual([[OFFLOAD_MIN_ROWS, 1]]);
    big.onLoaded(OFFLOAD_MIN_ROWS);
    expect([opened.length, started, closed]).toEqual([1, 1, 0]);
    const few = formatAside(open);
    few.onApplicationsRead(OFFLOAD_MIN_BYTES * 2);
    few.onLoaded(OFFLOAD_MIN_ROWS - 1);
    expect([started, closed]).toEqual([1, 1]);
    // Not opened again: as `openFormatter` gives none below OFFLOAD_MIN_ROWS.
    expect(opened).toEqual([[OFFLOAD_MIN_ROWS, 1], [OFFLOAD_MIN_ROWS, 1]]);
    expect(openFormatter(OFFLOAD_MIN_ROWS - 1)).toBeNull();
    // A small file: the threads start once the applications are counted, all at once.
    const small = formatAside(open);
    small.onApplicationsRead(1000);
    small.onLoaded(OFFLOAD_MIN_ROWS);
    expect(opened.at(-1)).toEqual([OFFLOAD_MIN_ROWS, undefined]);
  });

  it('runs jobs on the threads started so far, and on the others once they are started', async () => {
    const open = await compiled();
    const formatter = open(0, 0, 2, undefined, 1)!;
    try {
      const job: Job = { kind: 'rows', rows: table(rows(50)), scenario: SCENARIO };
      expect(formatter.idle()).toBe(true);
      const running = formatter.run(job);
      // Its one thread has the job: another would wait.
      expect(formatter.idle()).toBe(false);
      const first = await running;
      expect(formatter.idle()).toBe(true);
      expect(HERE.idle()).toBe(false);
      // Jobs waiting for the one thread, given to it if it has finished meanwhile, else made here: the same bytes.
      const busy = formatter.run(job);
      const waiting = [formatter.run(job), formatter.run({ kind: 'ledger', rows: table(ledgerRows(20), LEDGER_CODED, 11), lang: 'zh', scenario: SCENARIO })];
      formatter.runWaitingHere();
      const [one, two] = await Promise.all(waiting);
      expectSame(one!, first);
      expectSame(two!, await runJob({ kind: 'ledger', rows: table(ledgerRows(20), LEDGER_CODED, 11), lang: 'zh', scenario: SCENARIO }));
      expectSame(await busy, first);
      formatter.startAll();
      formatter.startAll(); // no more than `workers`
      const again = await Promise.all([formatter.run(job), formatter.run(job), formatter.run(job)]);
      for (const r of again) expectSame(r, first);
      expectSame(first, await runJob(job));
    } finally {
      formatter.close();
    }
  });

  it('a worker that exits without an answer, or crashes, is replaced by this thread: the same bytes; a reported failure is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fundplan-worker-'));
    const script = (name: string, body: string) => {
      writeFileSync(join(dir, name), body);
      return pathToFileURL(join(dir, name));
    };
    const job: Job = { kind: 'rows', rows: table(rows(40)), scenario: SCENARIO };
    const ledger: Job = { kind: 'ledger', rows: table(ledgerRows(5), LEDGER_CODED, 11), lang: 'zh', scenario: SCENARIO };
    // Jobs packed as they are sent, their buffers moved: still whole here for the thread that makes them instead.
    const { data } = (await solvedFixture()).solved.detail;
    const packedAsSent: Job[] = [
      { kind: 'notice', notice: data.notice, scenario: SCENARIO, lang: data.lang },
      { kind: 'pages', data: pagesData(data) },
      { kind: 'rows', rows: table(rows(40)), scenario: SCENARIO },
    ];
    const wants = await Promise.all(packedAsSent.map((j) => runJob(j)));
    const quits = script('quits.mjs', 'process.exit(0);\n');
    const throws = script('throws.mjs', "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('boom'); });\n");
    const reports = script('reports.mjs', "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', ({ id }) => parentPort.postMessage({ id, error: 'out of paper' }));\n");
    for (const url of [quits, throws]) {
      const formatter = openFormatter(0, 0, 2, url)!;
      // More jobs than workers: those queued when the last worker dies are made here too.
      const done = await Promise.all([formatter.run(job), formatter.run(ledger), formatter.run(job)]);
      expectSame(done[0]!, await runJob(job));
      expectSame(done[1]!, await runJob(ledger));
      expectSame(done[2]!, await runJob(job));
      formatter.close();
      // Each on a thread of its own, so that each is packed and sent; compared with what its job made before.
      for (const [i, j] of packedAsSent.entries()) {
        const one = openFormatter(0, 0, 1, url)!;
        expectSame(await one.run(j), wants[i]!);
        one.close();
      }
    }
    const failing = openFormatter(0, 0, 1, reports)!;
    await expect(failing.run(job)).rejects.toThrow('formatting the 明细 sheet failed: out of paper');
    await expect(failing.run(ledger)).rejects.toThrow('formatting commitments.csv and the 拨付台账 sheet failed: out of paper');
    failing.close();
    expectSame(await HERE.run(job), await runJob(job));
  });

  it('the report data comes back from its packing as it was, key order included', async () => {
    const { solved } = await solvedFixture();
    const data = solved.detail.data;
    const back = unpackReport(packReport(data));
    expect(back).toEqual(data);
    expect(JSON.stringify(back)).toBe(JSON.stringify(data));
    // Notices of no rows, and of rows whose measures repeat in any order, with text of every kind.
    const measures = ['措施甲', 'measure "B"', '', '𠮷\u0000=1+1'];
    for (const n of [0, 1, 7, 300]) {
      const notice = {
        ...data.notice,
        rows: Array.from({ length: n }, (_, i) => ({ seq: i + 1, projectId: `P${i}`, projectName: `项目,${i}\r\n`, companyName: i % 3 ? '公司' : '', measureName: measures[(i * 7) % measures.length]!, grantWan: `${i}.25`, batch: 1 + (i % 2) })),
      };
      const packed = unpackReport(packReport({ ...data, notice }));
      expect(JSON.stringify(packed)).toBe(JSON.stringify({ ...data, notice }));
    }
  });

  it('below the threshold, or without a compiled worker, no worker starts (the caller formats them)', () => {
    expect(openFormatter(50)).toBeNull(); // below OFFLOAD_MIN_ROWS
    expect(openFormatter(50, 0)).toBeNull(); // the sources have no compiled worker
  });
});
