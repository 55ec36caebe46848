import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { DatabaseConfig } from '../config/config.js';

export type Db = Knex;

/** Opens a knex pool for the configured database, with settings that make the dialects agree. */
export function connectDatabase(config: DatabaseConfig): Knex {
  switch (config.client) {
    case 'better-sqlite3':
      if (config.connection !== ':memory:') mkdirSync(dirname(config.connection), { recursive: true });
      return knexFactory({
        client: 'better-sqlite3',
        connection: { filename: config.connection },
        useNullAsDefault: true,
        pool: {
          min: 1,
          max: 1,
          // WAL lets readers proceed during a write; busy_timeout waits instead of failing on a lock.
          afterCreate: (conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
            conn.pragma('journal_mode = WAL');
            conn.pragma('busy_timeout = 5000');
            conn.pragma('foreign_keys = ON');
            done(null, conn);
          },
        },
      });
    case 'pg':
      return knexFactory({
        client: 'pg',
        connection: { connectionString: config.connection },
        pool: { min: 0, max: config.poolMax },
        acquireConnectionTimeout: 10_000,
      });
    case 'mysql2':
      return knexFactory({
        client: 'mysql2',
        connection: {
          uri: config.connection.replace(/^mariadb:/, 'mysql:'),
          // Dates travel as UTC in both directions, whatever the server's time zone.
          timezone: 'Z',
          dateStrings: false,
          supportBigNumbers: true,
          charset: 'utf8mb4',
        } as Knex.MySql2ConnectionConfig,
        pool: { min: 0, max: config.poolMax },
        acquireConnectionTimeout: 10_000,
      });
  }
}
