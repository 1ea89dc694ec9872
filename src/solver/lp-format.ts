/**
 * The LP in CPLEX LP format, so anyone can solve the identical model with another solver
 * (native HiGHS: `highs model.lp`, or highspy; GLPK: `glpsol --lp model.lp`). Names are
 * opaque (x0…, r0…); lines stay short (HiGHS's reader rejects very long lines).
 */
import type { LinearProgram } from './types.js';

const num = (v: number) => {
  if (!Number.isFinite(v)) throw new Error(`cannot write ${v} in LP format`);
  return String(v);
};

function terms(pairs: readonly (readonly [number, number])[], out: string[], first: string): void {
  let line = first;
  pairs.forEach(([j, a], k) => {
    const sign = a < 0 ? '-' : k === 0 ? '' : '+';
    const mag = Math.abs(a);
    const t = `${sign ? sign + ' ' : ''}${mag === 1 ? '' : num(mag) + ' '}x${j}`;
    if (line.length + t.length > 200) {
      out.push(line);
      line = '   ';
    }
    line += ` ${t}`;
  });
  if (pairs.length === 0) line += ' 0 x0';
  out.push(line);
}

export function toCplexLp(lp: LinearProgram, comment: readonly string[] = []): string {
  const out: string[] = comment.map((c) => `\\ ${c}`);
  out.push(lp.sense === 'max' ? 'Maximize' : 'Minimize');
  terms(
    lp.columns.map((c, j) => [j, c.cost] as const).filter(([, c]) => c !== 0),
    out,
    ' obj:',
  );
  out.push('Subject To');
  lp.rows.forEach((r, i) => {
    if (r.lower !== null && r.upper !== null && r.lower === r.upper) {
      terms(r.terms, out, ` r${i}:`);
      out[out.length - 1] += ` = ${num(r.upper)}`;
      return;
    }
    if (r.upper !== null) {
      terms(r.terms, out, ` r${i}${r.lower !== null ? '_hi' : ''}:`);
      out[out.length - 1] += ` <= ${num(r.upper)}`;
    }
    if (r.lower !== null) {
      terms(r.terms, out, ` r${i}${r.upper !== null ? '_lo' : ''}:`);
      out[out.length - 1] += ` >= ${num(r.lower)}`;
    }
  });
  out.push('Bounds');
  lp.columns.forEach((c, j) => {
    const upper = Number.isFinite(c.upper) ? ` <= ${num(c.upper)}` : '';
    out.push(` ${num(c.lower)} <= x${j}${upper}`);
  });
  // Integer models: general integers (binaries included, bounded above) and semi-continuous columns.
  const listed = (pick: (c: LinearProgram['columns'][number]) => boolean | undefined) => lp.columns.flatMap((c, j) => (pick(c) ? [j] : []));
  for (const [section, cols] of [['General', listed((c) => c.integer)], ['Semi-continuous', listed((c) => c.semicontinuous)]] as const) {
    if (!cols.length) continue;
    out.push(section);
    for (let k = 0; k < cols.length; k += 20) out.push(' ' + cols.slice(k, k + 20).map((j) => `x${j}`).join(' '));
  }
  out.push('End', '');
  return out.join('\n');
}
