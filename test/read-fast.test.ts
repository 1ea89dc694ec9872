/**
 * The applications reader's shortcuts against the general code they stand in for: plain cells
 * (no normalising), plain amounts (straight to Decimal), company names that are their own key,
 * CSV rows whose cells are read again when asked for, records built as the applications they
 * resolve to, credit codes checked in place, and Decimals compared without a copy.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readApplicationsFile } from '../src/io/applications.js';
import { csvParse } from '../src/io/csv-read.js';
import { readCsvGrid } from '../src/io/grid.js';
import { amountValue, cleanText, isPlain, plainDecimal, RecentReads, tableToRecords, type RawRow } from '../src/io/table.js';
import { D, parseAmount, toHalfWidth } from '../src/money.js';
import { resolveApplications } from '../src/model/application.js';
import { creditCodeCheckChar, creditCodeProblem } from '../src/model/credit-code.js';
import { compare, companyKey, exceeds, plausibilityWarnings } from '../src/model/plausibility.js';
import { shown } from '../src/errors.js';
import type { Application } from '../src/model/application.js';
import { lookupMeasure, measureIndex, parsePolicy } from '../src/model/policy.js';
import { measureLookup } from '../src/pipeline/load.js';

const TEXT = ['1', '0', '9', '.', ',', 'a', 'Z', 'E', '+', '-', ' ', '\t', '\n', '\u3000', '\u200b', '\ufeff', '中', '万', '元', '１', '．', '（', '¥', '%', 'é', 'Σ'];
const text = (maxLength: number) => fc.array(fc.constantFrom(...TEXT), { maxLength }).map((xs) => xs.join(''));
const DIGITS = ['0', '1', '2', '5', '9', '.'];
const number = fc.array(fc.constantFrom(...DIGITS), { minLength: 1, maxLength: 20 }).map((xs) => xs.join(''));

describe('reading shortcuts', () => {
  it('a plain cell is what trimming, half-width conversion and cleanText make of it', () => {
    fc.assert(
      fc.property(text(16), (s) => {
        if (!isPlain(s)) return;
        expect(s.trim()).toBe(s);
        expect(toHalfWidth(s)).toBe(s);
        expect(s.replace(/\s+/g, '')).toBe(s);
        expect(cleanText(s)).toBe(s);
      }),
      { numRuns: 3000 },
    );
    expect(isPlain('SZ2019-00001')).toBe(true);
    expect(isPlain('深圳市盛新智能有限公司')).toBe(true);
    for (const s of [' a', 'a ', '１', '\u200b', 'a\u3000b', '（']) expect(isPlain(s), JSON.stringify(s)).toBe(false);
  });

  it('an amount of plain digits reads as parseAmount reads it, in 元 and in 万元', () => {
    fc.assert(
      fc.property(number, fc.constantFrom('yuan' as const, 'wan' as const), (s, unit) => {
        const want = parseAmount(s, unit);
        const got = amountValue(s, unit);
        expect(got.ok).toBe(want.ok);
        if (got.ok && want.ok) {
          expect(got.value.toString()).toBe(want.value.toString());
          expect(got.value.eq(want.value)).toBe(true);
        } else if (!got.ok && !want.ok) expect(got.expected).toBe(want.expected);
      }),
      { numRuns: 5000 },
    );
    const wan = amountValue('1.5', 'wan');
    expect(wan.ok && wan.value.toString()).toBe('15000');
    expect(amountValue('1.001', 'yuan')).toEqual(parseAmount('1.001', 'yuan'));
  });

  it("a plain number built as a Decimal is decimal.js's own reading of it, in the same form", () => {
    const digits = (min: number, max: number) => fc.array(fc.constantFrom('0', '0', '0', '1', '5', '9'), { minLength: min, maxLength: max }).map((xs) => xs.join(''));
    const plain = fc.tuple(digits(1, 15), fc.option(digits(1, 6), { nil: undefined })).map(([i, f]) => (f === undefined ? i : `${i}.${f}`));
    fc.assert(
      fc.property(plain, fc.constantFrom(0, 4), (raw, shift) => {
        const want = new D(new D(raw).times(10 ** shift));
        const got = plainDecimal(raw, shift);
        expect([got.s, got.e, got.d]).toEqual([want.s, want.e, want.d]);
        expect(got.toString()).toBe(want.toString());
        expect(got.constructor).toBe(D);
      }),
      { numRuns: 5000 },
    );
    expect(plainDecimal('000.000', 0).d).toEqual([0]);
    expect(plainDecimal('999999999999999.999999', 4).toFixed()).toBe('9999999999999999999.99');
  });

  it('an amount over a limit, decided by exponent where it can be, is what decimal.js compares', () => {
    const value = fc.tuple(fc.integer({ min: -3, max: 3 }), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: -8, max: 4 }))
      .map(([sign, n, scale]) => new D(`${sign < 0 ? '-' : ''}${n}e${scale}`));
    fc.assert(
      fc.property(value, value, (v, limit) => {
        if (limit.lte(0)) return;
        expect(exceeds(v, limit)).toBe(v.gt(limit));
      }),
      { numRuns: 5000 },
    );
    for (const [v, limit] of [['0', '1'], ['0.5', '1'], ['9999999999', '10000000000'], ['10000000001', '10000000000'], ['0.01', '0.001']]) {
      expect(exceeds(new D(v!), new D(limit!))).toBe(new D(v!).gt(limit!));
    }
  });

  it('a company name that is its own key is the key the general rule makes', () => {
    fc.assert(
      fc.property(text(12), (s) => {
        expect(companyKey(s)).toBe(toHalfWidth(s).replace(/\s+/g, '').toLowerCase());
      }),
      { numRuns: 3000 },
    );
  });

  it("CSV rows read again when asked for hold csv-parse's cells, every time", () => {
    const CSV = ['a', '中', ',', '"', '""', '\r\n', '\n', '\r', ' ', '1'];
    let fast = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CSV), { maxLength: 40 }).map((xs) => 'h1,h2\n' + xs.join('')), (csv) => {
        let want: string[][];
        try {
          want = csvParse(csv, { delimiter: ',', maxRecordSize: 1 << 20, to: 1000 });
        } catch {
          expect(() => readCsvGrid(new TextEncoder().encode(csv), 'x.csv')).toThrow();
          return;
        }
        const rows = readCsvGrid(new TextEncoder().encode(csv), 'x.csv').table.rows;
        const kept = want.flatMap((cells, r) => (cells.some((c) => c.trim() !== '') ? [{ row: r + 1, cells }] : []));
        expect(rows.map((r) => ({ row: r.row, cells: r.cells }))).toEqual(kept);
        expect(rows.map((r) => r.cells)).toEqual(kept.map((r) => r.cells));
        if (!csv.includes('"')) fast++;
      }),
      { numRuns: 1000 },
    );
    expect(fast).toBeGreaterThan(100);
  });

  it('a credit code checked in place is what the general rule (trim, upper case, each character, check character) finds', () => {
    const general = (code: string): string | undefined => {
      const c = code.trim().toUpperCase();
      if (c.length !== 18) return undefined;
      if (![...c].every((ch) => '0123456789ABCDEFGHJKLMNPQRTUWXY'.includes(ch))) return 'a unified social credit code of digits and capitals without I, O, S, V, Z (GB 32100)';
      const check = creditCodeCheckChar(c.slice(0, 17));
      return check === c[17] ? undefined : `a unified social credit code whose check character is ${check} (GB 32100)`;
    };
    const CODE = ['0', '1', '9', 'A', 'H', 'Y', 'I', 'O', 'z', 'a', ' ', '\u3000', '中', '\ud83d\ude00'];
    const code = fc.oneof(
      fc.array(fc.constantFrom(...CODE), { minLength: 16, maxLength: 20 }).map((xs) => xs.join('')),
      // Valid-looking codes: 17 characters of the alphabet and any check character.
      fc.tuple(fc.array(fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRTUWXY'), { minLength: 17, maxLength: 17 }), fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRTUWXYIOSz ')).map(([xs, c]) => xs.join('') + c),
    );
    fc.assert(
      fc.property(code, (c) => {
        expect(creditCodeProblem(c)).toBe(general(c));
      }),
      { numRuns: 5000 },
    );
    const valid = '91440300' + 'MA5F0000' + '0';
    const ok = valid + creditCodeCheckChar(valid)!;
    for (const c of [ok, ok.toLowerCase(), ` ${ok}`, ok.slice(0, 17) + (ok[17] === '0' ? '1' : '0'), '91440300MA5F0000OI']) expect(creditCodeProblem(c), c).toBe(general(c));
  });

  it("Decimals compared without a copy compare as decimal.js's comparedTo", () => {
    const value = fc.oneof(
      fc.tuple(fc.integer({ min: -1, max: 1 }), fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.integer({ min: -12, max: 12 })).map(([sign, n, scale]) => new D(`${sign < 0 ? '-' : ''}${n}e${scale}`)),
      fc.constantFrom(new D(0), new D('-0'), new D(1), new D('10000000'), new D('9999999.99999999'), new D('1e-7'), new D(Infinity), new D(-Infinity), new D(NaN)),
    );
    fc.assert(
      fc.property(value, value, (x, y) => {
        const want = x.comparedTo(y);
        expect(Number.isNaN(want) ? NaN : want).toEqual(compare(x, y));
      }),
      { numRuns: 10000 },
    );
  });

  it('records read with the policy\'s measure lookup are the applications resolving makes, without a copy', () => {
    const policy = parsePolicy(JSON.parse(readFileSync('scenarios/policies/shenzhen-iiot-2018.json', 'utf8')), 'policy');
    const index = measureIndex(policy);
    const measureOf = (t: string) => lookupMeasure(index, t)?.id;
    // The demo's file as read, then a table of random measure texts (ids in any case, names, unknown ones).
    const bytes = readFileSync('scenarios/shenzhen-2019/applications.csv');
    const same = (records: ReturnType<typeof readApplicationsFile>['records'], lookedUp: typeof records, source: ReturnType<typeof readApplicationsFile>['source']) => {
      const want = resolveApplications(records, policy, source);
      const got = resolveApplications(lookedUp, policy, source);
      expect(got.issues).toEqual(want.issues);
      expect(got.warnings).toEqual(want.warnings);
      expect(got.applications.length).toBe(want.applications.length);
      got.applications.forEach((a, i) => {
        expect(a).toEqual(want.applications[i]);
        expect(Object.keys(a)).toEqual(Object.keys(want.applications[i]!));
        expect(JSON.stringify(a)).toBe(JSON.stringify(want.applications[i]));
      });
      // Each application is the record read, not a copy of it.
      expect(got.applications.every((a) => lookedUp.includes(a))).toBe(true);
    };
    const plain = readApplicationsFile(bytes, 'a.csv');
    const looked = readApplicationsFile(bytes, 'a.csv', { measureOf });
    expect(looked.records.length).toBe(372);
    same(plain.records, looked.records, plain.source);

    const TEXTS = ['P01-CROSS', 'p01-cross', ' P10-APPLICATION ', '跨行业跨领域工业互联网平台', 'P99-NONE', '技术改造'];
    // The loader's lookup (measures held as their ids) answers as lookupMeasure does: every name
    // the index holds, in other cases and with spaces around, and texts that name none.
    const loaderOf = measureLookup(policy);
    const asked = [...TEXTS, ...[...index.keys()].flatMap((k) => [k, k.toUpperCase(), ` ${k}\t`, `${k}x`]), '', ' '];
    for (const t of [...asked, ...asked]) expect(loaderOf(t)).toBe(measureOf(t));
    const header = ['project_id', 'project_name', 'company_id', 'company_name', 'district', 'measure', 'year', 'total_investment', 'eligible_base', 'requested', 'upper_funding', 'score'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TEXTS), { minLength: 1, maxLength: 12 }), (measures) => {
        const rows: RawRow[] = [{ row: 1, cells: header }, ...measures.map((m, i) => ({ row: i + 2, cells: [`P${i}`, 'n', '91440300MA5F00000X', 'c', '南山区', m, '2019', '1000000', '', '500000', '', '80'] }))];
        const table = { rows, merges: [] };
        const a = tableToRecords(table, 't.csv');
        const b = tableToRecords(table, 't.csv', { measureOf });
        same(a.records, b.records, a.source);
        same(a.records, tableToRecords(table, 't.csv', { measureOf: measureLookup(policy) }).records, a.source);
      }),
      { numRuns: 200 },
    );
  });

  it('amounts answered from the recent reads are what reading each text makes of it', () => {
    // Enough texts that slots are shared and overwritten (512 slots), some repeated at once.
    const texts = fc.array(fc.oneof(number, fc.constantFrom('30000000', '1,000', '50万', '—', '', '1e5', '0.001')), { minLength: 1, maxLength: 2000 });
    fc.assert(
      fc.property(texts, fc.constantFrom('yuan' as const, 'wan' as const), (raws, unit) => {
        const recent = new RecentReads((raw) => amountValue(raw, unit));
        for (const raw of raws) {
          const got = recent.read(raw);
          const want = amountValue(raw, unit);
          expect(got.ok).toBe(want.ok);
          if (got.ok && want.ok) expect([got.value.s, got.value.e, got.value.d]).toEqual([want.value.s, want.value.e, want.value.d]);
          else expect(got).toEqual(want);
          // Read again straight away: the same answer, the same Decimal.
          expect(recent.read(raw)).toBe(got);
        }
      }),
      { numRuns: 60 },
    );
  });
  it('the one-company-one-code warnings, found in one pass, are what two passes over every pair find', () => {
    const policy = parsePolicy(JSON.parse(readFileSync('scenarios/policies/shenzhen-iiot-2018.json', 'utf8')), 'policy');
    const source = { file: 'a.csv', headers: { company_id: '统一社会信用代码', company_name: '企业名称' } };
    // Codes and names from small pools, so codes get second names and names second codes, in any order.
    const CODES = ['91440300MA5F00001A', '91440300ma5f00001a', '91440300MA5F00002B', '914403000000000003', 'X'];
    const NAMES = ['甲公司', '甲 公司', '乙公司', 'ＡＢＣ有限公司', 'abc有限公司', '丙'];
    const app = (i: number, code: string, name: string) =>
      ({ index: i, row: i + 2, projectId: `P${i}`, projectName: 'p', companyId: code, companyName: name, district: '', measure: 'P01-CROSS', year: 2019, totalInvestment: null, eligibleBase: null, requested: null, upperFunding: null, score: new D(80), extra: {}, measureId: 'P01-CROSS' }) as unknown as Application;
    // The two passes: each code's first name and each name's first code; then, per application, a
    // warning where it is the first with a (code, other name) or a (name, other code).
    const twoPasses = (apps: Application[]) => {
      const up = (s: string) => s.toUpperCase();
      const firstOfCode = new Map<string, Application>();
      const firstOfName = new Map<string, Application>();
      const otherNames = new Map<string, Map<string, Application>>();
      const otherCodes = new Map<string, Map<string, Application>>();
      for (const a of apps) {
        const code = up(a.companyId);
        const name = companyKey(a.companyName);
        const fc = firstOfCode.get(code);
        if (!fc) firstOfCode.set(code, a);
        else if (companyKey(fc.companyName) !== name && !otherNames.get(code)?.has(name)) (otherNames.get(code) ?? otherNames.set(code, new Map()).get(code)!).set(name, a);
        const fn = firstOfName.get(name);
        if (!fn) firstOfName.set(name, a);
        else if (up(fn.companyId) !== code && !otherCodes.get(name)?.has(code)) (otherCodes.get(name) ?? otherCodes.set(name, new Map()).get(name)!).set(code, a);
      }
      const out: { row: number; column: string; expected: string; found: string }[] = [];
      for (const a of apps) {
        const code = up(a.companyId);
        const name = companyKey(a.companyName);
        if (otherNames.get(code)?.get(name) === a) {
          const first = firstOfCode.get(code)!;
          out.push({ row: a.row, column: '企业名称', expected: `the name given with code ${a.companyId} in row ${first.row} (${shown(first.companyName)})`, found: shown(a.companyName) });
        }
        if (otherCodes.get(name)?.get(code) === a) {
          const first = firstOfName.get(name)!;
          const written = a.companyName === first.companyName ? '' : ` (the name written ${shown(a.companyName)})`;
          out.push({ row: a.row, column: '统一社会信用代码', expected: `the code given for ${shown(first.companyName)} in row ${first.row} (${up(first.companyId)}); company limits count per code`, found: `${shown(a.companyId)}${written}` });
        }
      }
      return out;
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...CODES), fc.constantFrom(...NAMES)), { maxLength: 40 }), (pairs) => {
        const apps = pairs.map(([code, name], i) => app(i, code, name));
        const got = plausibilityWarnings(apps, policy, source, 2019)
          .filter((w) => w.column === '企业名称' || w.column === '统一社会信用代码')
          .map((w) => ({ row: w.row, column: w.column, expected: w.expected, found: w.found }));
        expect(got).toEqual(twoPasses(apps));
      }),
      { numRuns: 500 },
    );
  });
});
