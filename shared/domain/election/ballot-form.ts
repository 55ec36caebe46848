// The ballot form, as posted: one field `candidate@<key>` per candidate (Elekto's field names),
// valued "1".."N" (equal numbers are ties), "none" for No opinion, or "" when left unranked.
// Pure: no IO, so the web layer and the tests share one definition of a valid ballot.

import type { Ranking } from '../../db/repositories/votes.repository.js';

export const FIELD_PREFIX = 'candidate@';
export const NO_OPINION = 'none';

/** What the voter chose per candidate key: a rank, No opinion, or nothing yet. */
export type Choice = number | 'none' | '';
export type Choices = Record<string, Choice>;

export interface BallotRules {
  /** This election's candidate keys. */
  candidates: readonly string[];
  allowNoOpinion: boolean;
}

export type BallotParse =
  | { ok: true; ranking: Ranking; choices: Choices }
  | { ok: false; errors: string[]; choices: Choices };

export function fieldName(candidateKey: string): string {
  return FIELD_PREFIX + candidateKey;
}

/**
 * Reads a posted body into a ranking: groups of tied candidate keys, best first, No-opinion
 * candidates absent. Every error is reported, and `choices` keeps whatever could be read, so the
 * form can be shown again with the voter's ranking intact.
 */
export function parseBallotForm(body: Record<string, unknown>, rules: BallotRules): BallotParse {
  const n = rules.candidates.length;
  const known = new Set(rules.candidates);
  const choices = emptyChoices(rules.candidates, '');
  const errors: string[] = [];
  const seen = new Set<string>();

  for (const [field, value] of Object.entries(body)) {
    if (!field.startsWith(FIELD_PREFIX)) continue;
    const key = field.slice(FIELD_PREFIX.length);
    if (!known.has(key)) {
      errors.push('The ballot names a candidate who is not standing in this election.');
      continue;
    }
    seen.add(key);
    if (typeof value !== 'string') {
      errors.push(`Choose one rank for ${key}.`);
      continue;
    }
    const v = value.trim();
    if (v === '') continue;
    if (v === NO_OPINION) {
      if (rules.allowNoOpinion) choices[key] = NO_OPINION;
      else errors.push('This election does not allow "No opinion": give every candidate a rank.');
      continue;
    }
    const rank = /^\d{1,6}$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(rank) || rank < 1 || rank > n) {
      errors.push(`Ranks go from 1 to ${n}.`);
      continue;
    }
    choices[key] = rank;
  }

  const unranked = rules.candidates.filter((k) => choices[k] === '');
  const missing = rules.candidates.filter((k) => !seen.has(k));
  if (missing.length > 0) errors.push('The ballot is missing some candidates; please rank them again.');
  else if (unranked.length > 0 && !rules.allowNoOpinion) errors.push('Give every candidate a rank.');

  // Unranked counts as No opinion where that is allowed (the widget's default).
  const ranked = rules.candidates.filter((k) => typeof choices[k] === 'number');
  if (ranked.length === 0 && errors.length === 0) errors.push('Rank at least one candidate.');
  if (errors.length > 0) return { ok: false, errors: [...new Set(errors)], choices };
  return { ok: true, ranking: choicesToRanking(choices), choices };
}

/**
 * Groups ranked candidates by their number, best first. Keys inside a tie are sorted, so a stored
 * ballot does not carry the random order the form happened to show.
 */
export function choicesToRanking(choices: Choices): Ranking {
  const byRank = new Map<number, string[]>();
  for (const [key, choice] of Object.entries(choices)) {
    if (typeof choice !== 'number') continue;
    byRank.set(choice, [...(byRank.get(choice) ?? []), key]);
  }
  return [...byRank.entries()].sort((a, b) => a[0] - b[0]).map(([, keys]) => keys.sort());
}

/** The form's values for a stored ranking: group i is rank i+1; candidates not in it are No opinion. */
export function rankingToChoices(ranking: Ranking, candidates: readonly string[], allowNoOpinion: boolean): Choices {
  const choices = emptyChoices(candidates, allowNoOpinion ? NO_OPINION : '');
  ranking.forEach((group, i) => group.forEach((key) => { if (Object.hasOwn(choices, key)) choices[key] = i + 1; }));
  return choices;
}

/** A prototype-free record, so no candidate key (however odd) can reach Object.prototype. */
function emptyChoices(candidates: readonly string[], initial: Choice): Choices {
  const choices = Object.create(null) as Choices;
  for (const key of candidates) choices[key] = initial;
  return choices;
}
