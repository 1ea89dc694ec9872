/**
 * An exact network simplex for the LPs of the allocation model when they are network LPs: the
 * public face of src/solver/network/, where the pieces live.
 *
 * - Detection (network/detect.ts): every coefficient 1 and the rows in two laminar families make
 *   the LP a min-cost circulation, a node per row and an arc per column and per row;
 *   {@link networkOf} gives that network form, {@link whyNotNetwork} says why an LP is not one.
 * - Exactness (network/exact.ts): bounds and costs are scaled by powers of ten to integers
 *   (refused when that is not possible, or when the sums could leave the doubles' exact
 *   integers), so flows, potentials and reduced costs are exact integers held in doubles. Costs
 *   are lexicographic pairs (primary, secondary): one solve gives "best primary, and among those
 *   the best secondary", exactly.
 * - Algorithm (network/simplex.ts, its spanning tree network/tree.ts): primal network simplex
 *   on a spanning-tree basis in LEMON's layout: a crash that fills the best columns as far as
 *   their rows allow (once more in the order of costs that price the family-B ceilings it
 *   filled, when there are any), LEMON's flat start (every node on its own artificial arc to an artificial
 *   root), LEMON's candidate-list pricing, Cunningham's leaving-arc rule on strongly feasible trees; unmet
 *   floors on artificial arcs on a dominant cost level instead of a big M; the secondary costs
 *   in a second stage, on the primary optimum's face from its optimal tree (priced by block search).
 * - Solving (network/solve.ts): {@link solveNetwork} runs the simplex, swaps the artificial arcs
 *   left in the optimal tree for real ones (so that it is an LP basis whose potentials are the
 *   LP's duals), and gives values, an objective summed exactly and divided once (equal optima
 *   give equal doubles), HiGHS-convention duals and a basis.
 * - Sensitivity (network/sensitivity.ts): {@link openNetworkParametric} keeps the optimal tree (the
 *   one {@link solveNetwork} left for the same LP, else a solve of its own) and answers "the
 *   optimum with this row's bounds replaced" by a few warm pivots.
 */
export { networkOf, whyNotNetwork, type NetworkPlan } from './network/detect.js';
export { solveNetwork, type NetworkSolution } from './network/solve.js';
export { openNetworkParametric, type NetworkParametricLp } from './network/sensitivity.js';
