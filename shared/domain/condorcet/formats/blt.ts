import { indexCandidates } from '../candidate-list.js';
import { TallyInputError } from '../errors.js';
import type { Ballot, UnrankedRule } from '../types.js';
import type { ParsedElection } from './parsed-election.js';

// BLT (Hill / OpenSTV / ERS): `<candidates> <seats>`, an optional line of withdrawn candidates
// (`-2 -5`), ballot lines `<weight> <preferences...> 0`, a lone `0`, one quoted name per
// candidate, a quoted title. Two extensions, both common: `2=3` ranks candidates 2 and 3
// equal (BLT has no ties otherwise), and `\"` / `\\` escape a quote or backslash inside a name.

export function parseBlt(text: string): ParsedElection {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let at = 0;
  const nextLine = (): { tokens: string[]; line: number } | null => {
    while (at < lines.length) {
      const tokens = lines[at].trim().split(/\s+/).filter(Boolean);
      at += 1;
      if (tokens.length > 0) return { tokens, line: at };
    }
    return null;
  };

  const head = nextLine();
  if (!head) throw new TallyInputError('line 1: empty file, expected "<candidates> <seats>"');
  const [nText, seatsText, ...extra] = head.tokens;
  if (extra.length > 0 || !/^\d+$/.test(nText) || !/^\d+$/.test(seatsText ?? '') || Number(nText) < 1 || Number(seatsText) < 1) {
    throw new TallyInputError(`line ${head.line}: expected "<candidates> <seats>" (two whole numbers from 1), found '${head.tokens.join(' ')}'`);
  }
  const n = Number(nText);
  const seats = Number(seatsText);
  const withdrawn = new Set<number>();
  const ballots: { groups: number[][]; count: number }[] = [];

  for (;;) {
    const row = nextLine();
    if (!row) throw new TallyInputError(`line ${lines.length}: missing the lone 0 that ends the ballots`);
    const { tokens, line } = row;
    if (tokens.length === 1 && tokens[0] === '0') break;
    if (ballots.length === 0 && withdrawn.size === 0 && tokens[0].startsWith('-')) {
      for (const t of tokens) withdrawn.add(candidateNumber(t.slice(1), n, line, t));
      continue;
    }
    const [weight, ...prefs] = tokens;
    if (!/^\d+$/.test(weight) || Number(weight) < 1) throw new TallyInputError(`line ${line}: bad ballot weight '${weight}' (expected a whole number from 1)`);
    if (prefs.at(-1) !== '0') throw new TallyInputError(`line ${line}: a ballot line must end with 0`);
    const seen = new Set<number>();
    const groups = prefs.slice(0, -1).map((token) =>
      token.split('=').map((part) => {
        const c = candidateNumber(part, n, line, token);
        if (seen.has(c)) throw new TallyInputError(`line ${line}: duplicate candidate ${c} in one ballot`);
        seen.add(c);
        return c;
      }),
    );
    ballots.push({ groups, count: Number(weight) });
  }

  const strings = quotedStrings(lines, at);
  if (strings.length < n) {
    throw new TallyInputError(`line ${strings.at(-1)?.line ?? lines.length}: expected ${n} quoted candidate names, found ${strings.length}`);
  }
  if (strings.length > n + 1) throw new TallyInputError(`line ${strings[n + 1].line}: unexpected text after the title`);
  const names = strings.slice(0, n).map((s) => s.value);
  try {
    indexCandidates(names);
  } catch (error) {
    throw new TallyInputError(`line ${strings[0].line}: ${(error as Error).message}`);
  }

  const keep = (c: number): boolean => !withdrawn.has(c);
  return {
    candidates: names.filter((_, i) => keep(i + 1)),
    ballots: ballots.map((b) => ({
      count: b.count,
      ranking: b.groups.map((g) => g.filter(keep).map((c) => names[c - 1])).filter((g) => g.length > 0),
    })),
    seats,
    ...(strings[n] ? { title: strings[n].value } : {}),
  };
}

export interface BltWriteOptions {
  readonly seats?: number;
  readonly title?: string;
  /** With `last`, unranked candidates are written as an explicit last tie group. */
  readonly unranked?: UnrankedRule;
}

export function writeBlt(candidates: readonly string[], ballots: Iterable<Ballot>, options: BltWriteOptions = {}): string {
  const index = indexCandidates(candidates);
  const out = [`${candidates.length} ${options.seats ?? 1}`];
  for (const ballot of ballots) {
    const ranked = new Set<number>();
    const groups = ballot.ranking.map((group) =>
      group.map((id) => {
        const i = index.get(id);
        if (i === undefined) throw new TallyInputError(`unknown candidate '${id}'`);
        ranked.add(i);
        return i + 1;
      }),
    );
    if (options.unranked === 'last' && ranked.size > 0 && ranked.size < candidates.length) {
      groups.push(candidates.map((_, i) => i).filter((i) => !ranked.has(i)).map((i) => i + 1));
    }
    out.push([ballot.count ?? 1, ...groups.map((g) => g.join('=')), 0].join(' '));
  }
  out.push('0', ...candidates.map(quote), quote(options.title ?? 'Urna election'));
  return `${out.join('\n')}\n`;
}

function candidateNumber(text: string, n: number, line: number, token: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > n) {
    throw new TallyInputError(`line ${line}: bad preference '${token}' (candidates are numbered 1 to ${n})`);
  }
  return Number(text);
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The quoted strings of lines[from..], with the line each starts on. */
function quotedStrings(lines: string[], from: number): { value: string; line: number }[] {
  const found: { value: string; line: number }[] = [];
  for (let l = from; l < lines.length; l++) {
    const text = lines[l];
    let i = 0;
    while (i < text.length) {
      const ch = text[i];
      if (ch === ' ' || ch === '\t') {
        i++;
        continue;
      }
      if (ch !== '"') throw new TallyInputError(`line ${l + 1}: expected a quoted name, found '${text.slice(i).trim()}'`);
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) throw new TallyInputError(`line ${l + 1}: unterminated quoted name`);
      i++;
      found.push({ value, line: l + 1 });
    }
  }
  return found;
}
