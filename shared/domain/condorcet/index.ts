// The Condorcet engine: pure functions, no IO. See README.md in this folder for the rules.
export { createTallyAccumulator, type AccumulatorOptions, type BallotSummary, type TallyAccumulator } from './tally-accumulator.js';
export { tally, tallySummary } from './tally.js';
export { DEFAULT_METHOD, METHOD_ALIASES, METHOD_NAMES, resolveMethod } from './method-names.js';
export { methodLabel, unrankedRuleText } from './method-labels.js';
export { KEMENY_MAX_CANDIDATES } from './kemeny-young.js';
export { TallyInputError } from './errors.js';
export type * from './types.js';
