/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet
 * (digits and capitals without I, O, S, V, Z); the last is a check character.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Each character code's value in the alphabet, -1 for a character outside it (ASCII only). */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/** The value of `s`'s character at i in the alphabet, or -1 (outside it, or past the end). */
const valueAt = (s: string, i: number): number => {
  const ch = s.charCodeAt(i);
  return ch < 128 ? VALUE[ch]! : -1;
};

export function creditCodeCheckChar(first17: string): string | undefined {
  let total = 0;
  for (let i = 0; i < 17; i++) {
    const v = valueAt(first17, i);
    if (v < 0) return undefined;
    total += v * WEIGHTS[i]!;
  }
  return ALPHABET[(31 - (total % 31)) % 31];
}

/** Whether every character of `s` is in the alphabet. */
function inAlphabet(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (valueAt(s, i) < 0) return false;
  return true;
}

/**
 * A problem to warn about, or undefined. Only 18-character codes are checked:
 * older organisation codes and foreign ids are not credit codes and pass silently.
 */
export function creditCodeProblem(code: string): string | undefined {
  // A code of 18 characters of the alphabet as written (the usual case) is read in place.
  const asWritten = code.length === 18 && inAlphabet(code);
  const c = asWritten ? code : code.trim().toUpperCase();
  if (c.length !== 18) return undefined;
  if (!asWritten && !inAlphabet(c)) {
    return 'a unified social credit code of digits and capitals without I, O, S, V, Z (GB 32100)';
  }
  const check = creditCodeCheckChar(c);
  return check === c[17] ? undefined : `a unified social credit code whose check character is ${check} (GB 32100)`;
}
