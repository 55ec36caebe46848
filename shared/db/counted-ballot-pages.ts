// How the count stores opened rankings: shuffled, then packed into pages of many rankings per
// row. One row per ballot cost 100,000 inserts into a randomly keyed index (3.4 s of a 5 s tally
// budget); a page row costs one. Nothing is lost for secrecy: the order inside a page is the
// shuffle's, and pages carry random ids drawn at the count.
import type { Knex } from 'knex';
import { shuffled } from '../crypto/shuffle.js';
import { insertRows } from './dialect.js';
import { newId } from './ids.js';

/** At most this many rankings, or this many characters, per page, so one page stays well inside MySQL's MEDIUMTEXT and packet limits. */
const RANKINGS_PER_PAGE = 1_000;
const CHARS_PER_PAGE = 256 * 1024;

/** Pages per INSERT: a few MiB a statement, inside MySQL's default 16 MiB packet. */
const PAGES_PER_INSERT = 8;

export interface CountedBallotPage {
  /** The rankings' JSON texts, one per line. */
  rankings: string;
  ballots: number;
}

/** Shuffles the rankings (JSON texts) and packs them into pages. */
export function packCountedBallots(rankingTexts: readonly string[]): CountedBallotPage[] {
  const pages: CountedBallotPage[] = [];
  let lines: string[] = [];
  let chars = 0;
  const close = () => {
    if (lines.length === 0) return;
    pages.push({ rankings: lines.join('\n'), ballots: lines.length });
    lines = [];
    chars = 0;
  };
  for (const text of shuffled(rankingTexts)) {
    const line = oneLine(text);
    if (lines.length === RANKINGS_PER_PAGE || (lines.length > 0 && chars + line.length > CHARS_PER_PAGE)) close();
    lines.push(line);
    chars += line.length + 1;
  }
  close();
  return pages;
}

/** A page back to its rankings' JSON texts. */
export function unpackCountedBallots(rankings: string): string[] {
  return rankings === '' ? [] : rankings.split('\n');
}

/** Urna writes rankings with JSON.stringify, on one line; any other valid JSON is rewritten so. */
function oneLine(text: string): string {
  return text.includes('\n') ? JSON.stringify(JSON.parse(text)) : text;
}

/** Stores an election's counted rankings, shuffled, as pages under fresh random ids. In the caller's transaction. */
export async function insertCountedBallots(knex: Knex, electionId: string, rankingTexts: readonly string[]): Promise<void> {
  const rows = packCountedBallots(rankingTexts).map((page) => ({ id: newId(), election_id: electionId, ...page }));
  for (let i = 0; i < rows.length; i += PAGES_PER_INSERT) await insertRows(knex, 'counted_ballot_pages', rows.slice(i, i + PAGES_PER_INSERT));
}
