import type { Knex } from 'knex';
import { prepared, toDate } from '../dialect.js';

/** Server-side sessions, shared by every web process through the database. */
export class SessionsRepository {
  constructor(private readonly db: Knex) {}

  async get(sid: string, now = new Date()): Promise<string | null> {
    const row = await prepared(this.db, 'session_get', this.db('sessions').where({ sid }).first('data', 'expires_at'));
    if (!row) return null;
    if (toDate(row.expires_at) <= now) {
      await this.destroy(sid);
      return null;
    }
    return String(row.data);
  }

  async set(sid: string, data: string, expiresAt: Date): Promise<void> {
    await this.db('sessions').insert({ sid, data, expires_at: expiresAt }).onConflict('sid').merge(['data', 'expires_at']);
  }

  async touch(sid: string, expiresAt: Date): Promise<void> {
    await this.db('sessions').where({ sid }).update({ expires_at: expiresAt });
  }

  async destroy(sid: string): Promise<void> {
    await this.db('sessions').where({ sid }).delete();
  }

  async purgeExpired(now = new Date()): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', now).delete();
  }
}
