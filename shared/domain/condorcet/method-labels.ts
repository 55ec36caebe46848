import type { MethodName, UnrankedRule } from './types.js';

// How people read a method and an unranked rule: the console and the drafted results.md say
// the same words, so what officers see is what they publish.

const METHOD_LABELS: Record<MethodName, string> = {
  'schulze-winning': 'Schulze (winning votes)',
  'schulze-margin': 'Schulze (margins)',
  'schulze-ratio': 'Schulze (ratio)',
  'ranked-pairs-winning': 'Ranked pairs (winning votes)',
  'ranked-pairs-margin': 'Ranked pairs (margins)',
  'minimax-winning': 'Minimax (winning votes)',
  'minimax-margin': 'Minimax (margins)',
  'minimax-opposition': 'Minimax (pairwise opposition)',
  copeland: 'Copeland',
  irv: 'Instant-runoff voting',
  'kemeny-young': 'Kemeny–Young',
  'condorcet-winner': 'Condorcet winner only',
  'smith-set': 'Smith set',
  'schwartz-set': 'Schwartz set',
};

/** The method's name in words; an unknown name is shown as it is. */
export const methodLabel = (m: string): string => METHOD_LABELS[m as MethodName] ?? m;

/** What a candidate left unranked on a ballot counts as, completing "Candidates a voter left unranked are/were …". */
export const unrankedRuleText = (rule: UnrankedRule): string =>
  rule === 'ignored' ? 'treated as "No opinion" (compared with no one)' : 'ranked below every candidate the voter ranked';
