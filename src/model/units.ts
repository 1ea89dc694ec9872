/**
 * Amounts in whole granularity units, as safe integers. Grants are whole units, so a
 * ceiling L holds exactly when Σ units ≤ ⌊L / g⌋ and a floor exactly when Σ units ≥ ⌈L / g⌉:
 * integer arithmetic, exact and fast, for the parts that loop over every application.
 */
import type { Decimal } from 'decimal.js';
import { InputError } from '../errors.js';
import type { Limit } from './limits.js';

export interface Units {
  readonly granularity: Decimal;
  /** Per candidate: its cap in units. */
  readonly caps: readonly number[];
  /** Per limit: ⌊amount / g⌋ for a ceiling, ⌈amount / g⌉ for a floor. */
  readonly limits: readonly number[];
}

export function toUnits(caps: readonly Decimal[], limits: readonly Limit[], g: Decimal): Units {
  const units = (d: Decimal, round: 'floor' | 'ceil') => {
    const u = (round === 'floor' ? d.div(g).floor() : d.div(g).ceil()).toNumber();
    if (!Number.isSafeInteger(u)) {
      throw new InputError([{ file: 'scenario', row: 'granularity', expected: `a granularity coarse enough for amounts up to ${d.toString()}`, found: g.toString() }]);
    }
    return u;
  };
  return {
    granularity: g,
    caps: caps.map((c) => units(c, 'floor')),
    limits: limits.map((l) => units(l.amount, l.sense === 'max' ? 'floor' : 'ceil')),
  };
}
