import { TallyInputError } from './errors.js';
import type { MethodName } from './types.js';

export const DEFAULT_METHOD: MethodName = 'schulze-winning';

export const METHOD_NAMES: readonly MethodName[] = [
  'schulze-winning',
  'schulze-margin',
  'schulze-ratio',
  'ranked-pairs-winning',
  'ranked-pairs-margin',
  'minimax-winning',
  'minimax-margin',
  'minimax-opposition',
  'copeland',
  'irv',
  'kemeny-young',
  'condorcet-winner',
  'smith-set',
  'schwartz-set',
];

/** Short names people type; each points at the variant most sources mean by it. */
export const METHOD_ALIASES: Readonly<Record<string, MethodName>> = {
  schulze: 'schulze-winning',
  'ranked-pairs': 'ranked-pairs-winning',
};

/** Canonical name for a method or alias (case-insensitive); throws on an unknown name. */
export function resolveMethod(name: string | undefined): MethodName {
  if (name === undefined) return DEFAULT_METHOD;
  const key = name.trim().toLowerCase();
  const alias = METHOD_ALIASES[key];
  if (alias) return alias;
  const found = METHOD_NAMES.find((m) => m === key);
  if (found) return found;
  throw new TallyInputError(
    `unknown method '${name}' (known: ${[...METHOD_NAMES, ...Object.keys(METHOD_ALIASES)].join(', ')})`,
  );
}
