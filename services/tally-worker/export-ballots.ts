import type { ElectionsRepository } from '../../shared/db/repositories/elections.repository.js';
import type { VotesRepository } from '../../shared/db/repositories/votes.repository.js';
import { exportBallots, type BallotExportFormat, type RandomIndex } from '../../shared/domain/election/ballot-export.js';
import type { Election } from '../../shared/domain/election/election.js';
import { unrankedRuleFor } from '../../shared/domain/election/tally-rules.js';

export interface ExportBallotsPorts {
  elections: Pick<ElectionsRepository, 'listCandidates'>;
  votes: Pick<VotesRepository, 'streamRankingTexts'>;
  randomIndex?: RandomIndex;
}

export interface BallotFile {
  fileName: string;
  contentType: string;
  body: string;
}

const CONTENT_TYPES: Record<BallotExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  blt: 'text/plain; charset=utf-8',
};

/**
 * The anonymised ballots of a counted election as a file, or null before the count: until then
 * ballots are sealed, and only the tally worker can open them. Callers check that the user is an
 * officer of this election.
 */
export async function exportElectionBallots(ports: ExportBallotsPorts, election: Election, format: BallotExportFormat): Promise<BallotFile | null> {
  if (!election.concludedAt) return null;
  const candidates = (await ports.elections.listCandidates(election.id)).map((c) => c.key);
  const rankingTexts: string[] = [];
  for await (const page of ports.votes.streamRankingTexts(election.id)) rankingTexts.push(...page);
  const body = exportBallots(format, {
    candidates,
    rankingTexts,
    unranked: unrankedRuleFor(election),
    seats: election.noWinners,
    title: election.name,
  }, ports.randomIndex);
  const stem = election.key.replace(/[^A-Za-z0-9_.-]+/g, '-');
  return { fileName: `${stem}-ballots.${format}`, contentType: CONTENT_TYPES[format], body };
}
