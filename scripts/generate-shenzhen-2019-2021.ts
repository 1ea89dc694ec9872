/**
 * Regenerates the three-year rolling exercise scenarios/shenzhen-2019-2021 (seeded: the same
 * bytes every time): the policy variant with instalments, the applications of 2020 and 2021 and
 * the forecasts (shenzhen-2019-2021.ts), then the ledgers as the bureau edits them at each
 * year's end, solving the steps in order:
 *   2019 solved → 2019/commitments.csv (2019's grants closed at the end of 2019);
 *   2020's carryOver.opening = what 2019's cash left → 2020 solved → 2020/commitments.csv and
 *   2020/commitments-2019.csv (2020's and 2019's grants closed at the end of 2020);
 *   2021's carryOver.opening = what 2020's cash left.
 *   npm run generate
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Decimal } from 'decimal.js';
import { fmtYuan, parseAmount } from '../src/money.js';
import { solve } from '../src/pipeline/solve.js';
import type { Commitment } from '../src/model/ledger.js';
import { closeYear, leftOver, ledgerCsv, rollingInputs } from './shenzhen-2019-2021.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const folder = join(root, 'scenarios', 'shenzhen-2019-2021');

const write = (path: string, text: string) => {
  const full = join(folder, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  console.log(`wrote ${full}`);
};

const scenarioPath = (year: number) => join(folder, String(year), 'scenario.json');
const scenarioJson = (year: number) => JSON.parse(readFileSync(scenarioPath(year), 'utf8'));

/** A step's cash in `year`, as its scenario file states it. */
function cashIn(step: number, year: number): Decimal {
  const r = parseAmount(String(scenarioJson(step).cash[year]));
  if (!r.ok) throw new Error(`${step}/scenario.json: cash.${year}: ${r.expected}`);
  return r.value;
}

/** Set the step's `carryOver.opening` to what the year before it left unspent. */
function setOpening(step: number, year: number, amount: Decimal): void {
  const s = scenarioJson(step);
  s.carryOver = { ...s.carryOver, opening: { [String(year)]: fmtYuan(amount) } };
  write(`${step}/scenario.json`, JSON.stringify(s, null, 2) + '\n');
}

/** This year's new grants as the ledger rows a solve writes to commitments.csv. */
async function solvedLedger(year: number): Promise<Commitment[]> {
  const outcome = await solve(scenarioPath(year), { timings: false });
  if (outcome.status === 'infeasible') throw new Error(`${year}: ${outcome.message}`);
  return [...outcome.detail.commitments];
}

const basePolicy = JSON.parse(readFileSync(join(root, 'scenarios', 'policies', 'shenzhen-iiot-2018.json'), 'utf8'));
for (const [path, text] of rollingInputs(basePolicy)) write(path, text);

const end2019 = closeYear(await solvedLedger(2019), 2019, true);
write('2019/commitments.csv', ledgerCsv(end2019.rows));
const left2019 = leftOver(end2019.rows, 2019, cashIn(2019, 2019), new Map());
setOpening(2020, 2019, left2019);
console.log(`2019: ${end2019.cancelled} cancelled, ${end2019.delayed} delayed, ${fmtYuan(left2019)} carried into 2020`);

const end2020 = closeYear(await solvedLedger(2020), 2020, true);
const ledger2019 = closeYear(end2019.rows, 2020, false).rows;
write('2020/commitments.csv', ledgerCsv(end2020.rows));
write('2020/commitments-2019.csv', ledgerCsv(ledger2019));
const left2020 = leftOver([...ledger2019, ...end2020.rows], 2020, cashIn(2020, 2020), new Map([[2019, left2019]]));
setOpening(2021, 2020, left2020);
console.log(`2020: ${end2020.cancelled} cancelled, ${end2020.delayed} delayed, ${fmtYuan(left2020)} carried into 2021`);
