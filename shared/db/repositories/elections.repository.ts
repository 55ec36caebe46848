import type { Knex } from 'knex';
import { normaliseLogin, type Candidate, type Election } from '../../domain/election/election.js';
import { fromJson, insertRows, prepared, toBool, toCount, toDate, toDateOrNull, toJson, withRowLock } from '../dialect.js';
import { newId } from '../ids.js';

/**
 * What sync writes for one election: the election's fields as the repository states them (the
 * id, timestamps and the flags sync and the tally manage are the database's), with its
 * candidates and eligible voters, as of one commit.
 */
export type ElectionVersion = Omit<Election, 'id' | 'broken' | 'archivedAt' | 'concludedAt' | 'createdAt' | 'updatedAt'> & {
  candidates: Array<Pick<Candidate, 'key' | 'name' | 'file' | 'info' | 'bio'>>;
  voters: string[];
};

function toElection(row: Record<string, unknown>): Election {
  return {
    id: String(row.id),
    key: String(row.key),
    path: String(row.path),
    name: String(row.name),
    organization: String(row.organization ?? ''),
    startAt: toDate(row.start_at),
    endAt: toDate(row.end_at),
    exceptionDueAt: toDate(row.exception_due_at),
    noWinners: Number(row.no_winners),
    allowNoOpinion: toBool(row.allow_no_opinion),
    deleteAfter: toBool(row.delete_after),
    method: (row.method as string | null) ?? null,
    showCandidateFields: toJson(row.show_candidate_fields, []),
    officers: toJson(row.officers, []),
    eligibility: String(row.eligibility ?? ''),
    exceptionDescription: String(row.exception_description ?? ''),
    description: String(row.description ?? ''),
    results: (row.results as string | null) ?? null,
    fingerprint: String(row.fingerprint),
    metaCommit: (row.meta_commit as string | null) ?? null,
    broken: toBool(row.broken),
    problems: toJson(row.problems, []),
    archivedAt: toDateOrNull(row.archived_at),
    concludedAt: toDateOrNull(row.concluded_at),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function toCandidate(row: Record<string, unknown>): Candidate {
  return {
    id: String(row.id),
    electionId: String(row.election_id),
    key: String(row.candidate_key),
    name: String(row.name),
    file: String(row.file),
    info: toJson(row.info, {}),
    bio: String(row.bio ?? ''),
    position: Number(row.position),
  };
}

function electionColumns(v: ElectionVersion, now: Date): Record<string, unknown> {
  return {
    key: v.key,
    path: v.path,
    name: v.name,
    organization: v.organization,
    start_at: v.startAt,
    end_at: v.endAt,
    exception_due_at: v.exceptionDueAt,
    no_winners: v.noWinners,
    allow_no_opinion: v.allowNoOpinion,
    delete_after: v.deleteAfter,
    method: v.method,
    show_candidate_fields: fromJson(v.showCandidateFields),
    officers: fromJson(v.officers),
    eligibility: v.eligibility,
    exception_description: v.exceptionDescription,
    description: v.description,
    results: v.results,
    fingerprint: v.fingerprint,
    meta_commit: v.metaCommit,
    problems: fromJson(v.problems),
    broken: false,
    archived_at: null,
    updated_at: now,
  };
}

export class ElectionsRepository {
  constructor(private readonly db: Knex) {}

  async list(options: { includeArchived?: boolean } = {}): Promise<Election[]> {
    const q = this.db('elections').orderBy([{ column: 'start_at', order: 'desc' }, { column: 'key' }]);
    if (!options.includeArchived) q.whereNull('archived_at');
    return (await q).map(toElection);
  }

  async findByKey(key: string, db: Knex = this.db): Promise<Election | null> {
    const row = await db('elections').where({ key }).first();
    return row ? toElection(row) : null;
  }

  async findById(id: string): Promise<Election | null> {
    const row = await this.db('elections').where({ id }).first();
    return row ? toElection(row) : null;
  }

  /**
   * Reads the election and locks its row until the caller's transaction ends. The tally takes this
   * lock, and votes take a shared one, so no ballot can slip in between the count and the conclusion.
   */
  async lockForUpdate(id: string): Promise<Election | null> {
    const row = await withRowLock(this.db, this.db('elections').where({ id }), 'update').first();
    return row ? toElection(row) : null;
  }

  async listCandidates(electionId: string): Promise<Candidate[]> {
    return (await this.db('candidates').where({ election_id: electionId }).orderBy('position')).map(toCandidate);
  }

  async findCandidate(electionId: string, key: string): Promise<Candidate | null> {
    const row = await this.db('candidates').where({ election_id: electionId, candidate_key: key }).first();
    return row ? toCandidate(row) : null;
  }

  async isEligible(electionId: string, login: string): Promise<boolean> {
    const row = await prepared(this.db, 'is_eligible', this.db('eligible_voters').where({ election_id: electionId, login_lower: normaliseLogin(login) }).first('login_lower'));
    return Boolean(row);
  }

  /**
   * What the election page tells a signed-in user, in one round trip: on the voter list (any
   * case)? voted, and with a sealed link? asked for an exception, and when? (Reads votes and
   * exception_requests too: a read model for the page, not a second owner of those tables.)
   */
  async participation(electionId: string, userId: string, login: string): Promise<{ eligible: boolean; voted: boolean; hasLink: boolean; exceptionAt: Date | null }> {
    const db = this.db;
    const row = await prepared(db, 'participation', db.select({
      eligible: db.raw('exists ?', [db('eligible_voters').where({ election_id: electionId, login_lower: normaliseLogin(login) }).select(db.raw('1'))]),
      link: db('votes').where({ election_id: electionId, user_id: userId }).select(db.raw('case when sealed_link is null then 0 else 1 end')),
      exception_at: db('exception_requests').where({ election_id: electionId, user_id: userId }).select('created_at'),
    }).first());
    const link = row?.link;
    return {
      eligible: toBool(row?.eligible),
      voted: link !== null && link !== undefined,
      hasLink: toBool(link),
      exceptionAt: toDateOrNull(row?.exception_at),
    };
  }

  /** Ids of the elections whose voter list holds this login (any case): the voter's dashboard. */
  async eligibleElectionIds(login: string): Promise<Set<string>> {
    const rows = await this.db('eligible_voters').where({ login_lower: normaliseLogin(login) }).select('election_id');
    return new Set(rows.map((r: { election_id: string }) => r.election_id));
  }

  async countEligible(electionId: string): Promise<number> {
    const row = await this.db('eligible_voters').where({ election_id: electionId }).count({ n: '*' }).first();
    return toCount(row?.n);
  }

  async listEligible(electionId: string): Promise<string[]> {
    return (await this.db('eligible_voters').where({ election_id: electionId }).orderBy('login_lower').select('login'))
      .map((r: { login: string }) => r.login);
  }

  /**
   * Writes one election version in the caller's transaction: inserts or updates the election row
   * by key, replaces the eligible voters, and replaces the candidates unless `keepCandidates`
   * (sync keeps them once ballots exist, because ballots name them).
   */
  async saveVersion(trx: Knex.Transaction, v: ElectionVersion, options: { keepCandidates?: boolean; now?: Date } = {}): Promise<Election> {
    const now = options.now ?? new Date();
    const existing = await trx('elections').where({ key: v.key }).first();
    const id = existing ? String(existing.id) : newId();
    if (existing) await trx('elections').where({ id }).update(electionColumns(v, now));
    else await trx('elections').insert({ id, ...electionColumns(v, now), created_at: now });

    if (!options.keepCandidates) {
      await trx('candidates').where({ election_id: id }).delete();
      const rows = v.candidates.map((c, position) => ({
        id: newId(), election_id: id, candidate_key: c.key, name: c.name, file: c.file, info: fromJson(c.info), bio: c.bio, position,
      }));
      await insertRows(trx, 'candidates', rows);
    }

    await trx('eligible_voters').where({ election_id: id }).delete();
    const voters = new Map(v.voters.map((login) => [normaliseLogin(login), login.trim()]));
    const voterRows = [...voters].filter(([lower]) => lower).map(([login_lower, login]) => ({ election_id: id, login_lower, login }));
    await insertRows(trx, 'eligible_voters', voterRows);

    return toElection((await trx('elections').where({ id }).first())!);
  }

  /** The repository's current files for this election are broken: keep the last good version, flagged. */
  async markBroken(key: string, problems: Election['problems'], now = new Date(), db: Knex = this.db): Promise<void> {
    await db('elections').where({ key }).update({ broken: true, problems: fromJson(problems), updated_at: now });
  }

  /** The directory is gone: hide the election but keep it and its ballots. */
  async archive(key: string, now = new Date(), db: Knex = this.db): Promise<void> {
    await db('elections').where({ key }).whereNull('archived_at').update({ archived_at: now, updated_at: now });
  }

  async markConcluded(id: string, at: Date, db: Knex = this.db): Promise<void> {
    await db('elections').where({ id }).whereNull('concluded_at').update({ concluded_at: at, updated_at: at });
  }

  /** Fingerprints of every election, for sync's quick "what changed" diff. */
  async fingerprints(): Promise<Map<string, { fingerprint: string; broken: boolean; archived: boolean }>> {
    const rows = await this.db('elections').select('key', 'fingerprint', 'broken', 'archived_at');
    return new Map(rows.map((r: Record<string, unknown>) => [String(r.key), {
      fingerprint: String(r.fingerprint), broken: toBool(r.broken), archived: r.archived_at !== null,
    }]));
  }
}
