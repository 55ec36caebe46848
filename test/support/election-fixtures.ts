import type { ElectionVersion } from '../../shared/db/repositories/elections.repository.js';

/** A complete election version for repository and service tests; override what the test is about. */
export function electionVersion(overrides: Partial<ElectionVersion> = {}): ElectionVersion {
  const now = Date.now();
  return {
    key: 'steering---2030',
    path: 'steering/2030',
    name: 'Steering Committee 2030',
    organization: 'Example',
    startAt: new Date(now - 86_400_000),
    endAt: new Date(now + 86_400_000),
    exceptionDueAt: new Date(now),
    noWinners: 2,
    allowNoOpinion: true,
    deleteAfter: false,
    method: null,
    showCandidateFields: ['affiliation'],
    officers: ['Officer1'],
    eligibility: 'Contributors with 50 contributions',
    exceptionDescription: 'Ask us',
    description: '# Hello',
    results: null,
    fingerprint: 'fp1',
    metaCommit: 'abc123',
    problems: [],
    candidates: [
      { key: 'alice', name: 'Alice A.', file: 'steering/2030/candidate-alice.md', info: { affiliation: 'Acme' }, bio: 'Bio A' },
      { key: 'bob', name: 'Bob B.', file: 'steering/2030/candidate-bob.md', info: {}, bio: 'Bio B' },
      { key: 'carol', name: 'Carol C.', file: 'steering/2030/candidate-carol.md', info: {}, bio: 'Bio C' },
    ],
    voters: ['Voter1', 'voter2', 'VOTER1'],
    ...overrides,
  };
}
