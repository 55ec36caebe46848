import { methodLabel, unrankedRuleText, type TallyResult } from '../condorcet/index.js';

// The draft `results.md` the console offers after the count. Elekto publishes results as a
// hand-written results.md committed to the meta repository; this writes that file from the
// stored count, so officers review and commit it instead of retyping figures.

export interface ResultsMarkdownInput {
  /** The election's display name. */
  electionName: string;
  result: TallyResult;
  /** Candidate key → display name. */
  names: ReadonlyMap<string, string>;
  /** Eligible voters at the time of drafting, for the turnout line. */
  eligible: number;
}

/** Where Elekto reads an election's published results: its directory in the meta repository. */
export function resultsFilePath(electionDir: string, electionPath: string): string {
  return [electionDir, electionPath, 'results.md'].filter((part) => part !== '' && part !== '.').join('/');
}

// Characters that could start Markdown or HTML inside a line: emphasis, code, links, tags,
// entities, strikethrough, table cells, and the `:` and `@` of GFM's bare-URL and e-mail
// autolinks. A backslash before any ASCII punctuation is a literal in CommonMark and GFM, so
// escaping these keeps every name as typed, and the tables whole.
const SPECIAL = /[\\`*_[\]<>|~&:@]/g;

/** A name or title as literal inline text: one line, Markdown characters escaped. */
export function escapeMarkdown(text: string): string {
  // `www.` starts an autolink with no `:`; escaping its dot keeps it text.
  return text.replace(/\s+/g, ' ').trim().replace(SPECIAL, '\\$&').replace(/\b(www)\./gi, '$1\\.');
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function listNames(keys: readonly string[], name: (k: string) => string): string {
  const n = keys.map(name);
  return n.length <= 1 ? n.join('') : `${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}`;
}

function turnout(ballots: number, eligible: number): string {
  if (eligible <= 0) return `${plural(ballots, 'ballot was', 'ballots were')} cast.`;
  const percent = Math.min(100, Math.round((ballots / eligible) * 100));
  return `${ballots} of ${eligible} eligible ${eligible === 1 ? 'voter' : 'voters'} cast a ballot (${percent} %).`;
}

/** The draft results.md: outcome first, then turnout, ranking, method and the pairwise matrix. */
export function resultsMarkdown(input: ResultsMarkdownInput): string {
  const r = input.result;
  const name = (k: string): string => escapeMarkdown(input.names.get(k) ?? k);
  const seats = r.seats ?? Math.max(1, r.winners.length);
  const method = `Counted with ${methodLabel(r.method)} for ${plural(seats, 'seat', 'seats')}. Candidates a voter left unranked were ${unrankedRuleText(r.unranked)}.`;
  const out: string[] = [`# Results: ${escapeMarkdown(input.electionName)}`, ''];

  if (r.ballots === 0) {
    // Every candidate ties on no ballots; that is not a result to announce.
    out.push('No ballots were cast, so no candidate was elected.', '', turnout(0, input.eligible), '');
    if (r.candidates.length) out.push(`Candidates: ${listNames(r.candidates, name)}.`, '');
    out.push('## Method', '', method, '');
    return out.join('\n');
  }

  const label = seats === 1 ? 'Elected' : `Elected (${seats} seats)`;
  out.push(`**${label}:** ${r.winners.length ? listNames(r.winners, name) : 'no candidate is certain of a seat'}`, '');
  if (r.tieAtCut) {
    const open = seats - r.winners.length;
    out.push(`**Tie at the cut:** ${listNames(r.tieAtCut, name)} are tied for the last ${open === 1 ? 'seat' : `${open} seats`}. The count cannot separate them; the officers decide as the election's rules say.`, '');
  }
  out.push(turnout(r.ballots, input.eligible), '');

  out.push('## Ranking', '', '| Place | Candidate | Outcome |', '| ---: | --- | --- |');
  const elected = new Set(r.winners);
  const atCut = new Set(r.tieAtCut ?? []);
  let place = 1;
  for (const group of r.ranking) {
    for (const k of group) {
      const note = elected.has(k) ? 'elected' : atCut.has(k) ? 'tied for the last seat' : group.length > 1 ? 'tied' : '';
      out.push(`| ${place} | ${name(k)} | ${note} |`);
    }
    place += group.length;
  }
  out.push('', '## Method', '', method);
  out.push(r.condorcetWinner
    ? `${name(r.condorcetWinner)} is the Condorcet winner: preferred to every other candidate head to head.`
    : 'There is no Condorcet winner: no candidate is preferred to every other one head to head.', '');

  const order = r.ranking.flat();
  out.push('## Pairwise matrix', '', 'Each number is how many ballots ranked the row\'s candidate above the column\'s.', '');
  out.push(`| Row over column | ${order.map(name).join(' | ')} |`, `| --- |${' ---: |'.repeat(order.length)}`);
  for (const row of order) {
    const cells = order.map((col) => (row === col ? '—' : String(r.pairwise[row]?.[col] ?? 0)));
    out.push(`| **${name(row)}** | ${cells.join(' | ')} |`);
  }
  out.push('');
  return out.join('\n');
}
