import type { Knex } from 'knex';
import { normaliseLogin } from '../../domain/election/election.js';
import { toDate } from '../dialect.js';
import { newId } from '../ids.js';

export interface User {
  id: string;
  login: string;
  name: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function toUser(row: Record<string, unknown>): User {
  return {
    id: String(row.id),
    login: String(row.login),
    name: (row.name as string | null) ?? null,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export class UsersRepository {
  constructor(private readonly db: Knex) {}

  /** Creates the user on first login, or refreshes the login's spelling and display name. */
  async upsertByLogin(login: string, name: string | null, now = new Date()): Promise<User> {
    const loginLower = normaliseLogin(login);
    await this.db('users')
      .insert({ id: newId(), login: login.trim(), login_lower: loginLower, name, created_at: now, updated_at: now })
      .onConflict('login_lower')
      .merge({ login: login.trim(), name, updated_at: now });
    return (await this.findByLogin(login))!;
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.db('users').where({ id }).first();
    return row ? toUser(row) : null;
  }

  async findByLogin(login: string): Promise<User | null> {
    const row = await this.db('users').where({ login_lower: normaliseLogin(login) }).first();
    return row ? toUser(row) : null;
  }
}
