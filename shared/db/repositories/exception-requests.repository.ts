import type { Knex } from 'knex';
import { isUniqueViolation, toBool, toDate } from '../dialect.js';
import { newId } from '../ids.js';

export interface ExceptionRequest {
  id: string;
  electionId: string;
  userId: string;
  login?: string;
  name: string;
  chat: string;
  description: string;
  comments: string;
  reviewed: boolean;
  createdAt: Date;
}

export class DuplicateExceptionRequestError extends Error {
  constructor() {
    super('You have already asked for an exception in this election.');
  }
}

function toRequest(row: Record<string, unknown>): ExceptionRequest {
  return {
    id: String(row.id),
    electionId: String(row.election_id),
    userId: String(row.user_id),
    ...(row.login ? { login: String(row.login) } : {}),
    name: String(row.name),
    chat: String(row.chat ?? ''),
    description: String(row.description),
    comments: String(row.comments ?? ''),
    reviewed: toBool(row.reviewed),
    createdAt: toDate(row.created_at),
  };
}

export class ExceptionRequestsRepository {
  constructor(private readonly db: Knex) {}

  async create(input: Pick<ExceptionRequest, 'electionId' | 'userId' | 'name' | 'chat' | 'description' | 'comments'>, now = new Date()): Promise<ExceptionRequest> {
    const id = newId();
    try {
      await this.db('exception_requests').insert({
        id, election_id: input.electionId, user_id: input.userId, name: input.name, chat: input.chat,
        description: input.description, comments: input.comments, reviewed: false, created_at: now, updated_at: now,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateExceptionRequestError();
      throw err;
    }
    return toRequest((await this.db('exception_requests').where({ id }).first())!);
  }

  async findForUser(electionId: string, userId: string): Promise<ExceptionRequest | null> {
    const row = await this.db('exception_requests').where({ election_id: electionId, user_id: userId }).first();
    return row ? toRequest(row) : null;
  }

  /** An election's requests with the requester's login, oldest first. */
  async listForElection(electionId: string): Promise<ExceptionRequest[]> {
    const rows = await this.db('exception_requests as r')
      .join('users as u', 'u.id', 'r.user_id')
      .where('r.election_id', electionId)
      .orderBy('r.created_at')
      .select('r.*', 'u.login');
    return rows.map(toRequest);
  }

  async setReviewed(electionId: string, id: string, reviewed: boolean, now = new Date()): Promise<boolean> {
    const n = await this.db('exception_requests').where({ id, election_id: electionId }).update({ reviewed, updated_at: now });
    return n === 1;
  }
}
