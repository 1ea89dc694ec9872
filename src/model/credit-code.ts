/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet
 * (digits and capitals without I, O, S, V, Z); the last is a check character.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckChar(first17: string): string | undefined {
  let total = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) return undefined;
    total += v * WEIGHTS[i]!;
  }
  return ALPHABET[(31 - (total % 31)) % 31];
}

/**
 * A problem to warn about, or undefined. Only 18-character codes are checked:
 * older organisation codes and foreign ids are not credit codes and pass silently.
 */
export function creditCodeProblem(code: string): string | undefined {
  const c = code.trim().toUpperCase();
  if (c.length !== 18) return undefined;
  if (![...c].every((ch) => ALPHABET.includes(ch))) {
    return 'a unified social credit code of digits and capitals without I, O, S, V, Z (GB 32100)';
  }
  const check = creditCodeCheckChar(c.slice(0, 17));
  return check === c[17] ? undefined : `a unified social credit code whose check character is ${check} (GB 32100)`;
}
