/**
 * The verifier's reading of amounts as safe integers of fen: exact, or null where it cannot be
 * shown exact (the caller then checks in Decimal). The arithmetic and why it is exact: ../scaled.ts.
 */
import type { Decimal } from 'decimal.js';
import { scaledExact, scaledFloor } from '../scaled.js';

/** The amount in fen when it is a whole number of fen within the safe integers, else null. */
export const fenOf = (x: Decimal): number | null => scaledExact(x, 2);

/** ⌊100 x⌋: the most fen a whole-fen amount may be to stay ≤ x; null when not safe. */
export const fenFloor = (x: Decimal): number | null => scaledFloor(x, 2);
