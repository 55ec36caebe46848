import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { inject } from 'vitest';
import type { DatabaseConfig } from '../../shared/config/config.js';
import { connectDatabase } from '../../shared/db/connect.js';

export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql';

export interface DatabaseTarget {
  kind: DatabaseKind;
  /** Null when the server is not reachable (the suite is skipped, with a note from global setup). */
  available: boolean;
}

/** SQLite always; PostgreSQL and MariaDB when global setup found them. */
export function databaseTargets(): DatabaseTarget[] {
  const services = inject('services');
  return [
    { kind: 'sqlite', available: true },
    { kind: 'postgres', available: Boolean(services.postgres) },
    { kind: 'mysql', available: Boolean(services.mysql) },
  ];
}

export interface TestDatabase {
  kind: DatabaseKind;
  config: DatabaseConfig;
  db: Knex;
  /** Closes the pool and drops the scratch database. */
  drop(): Promise<void>;
}

/**
 * A scratch database of its own for one test file, so files never see each other's rows. MariaDB
 * databases get the server's default (case-insensitive) collation, as an operator's would.
 */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const name = `urna_t_${randomBytes(5).toString('hex')}`;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'urna-db-'));
    const config: DatabaseConfig = { client: 'better-sqlite3', connection: join(dir, 'test.sqlite'), poolMax: 1 };
    const db = connectDatabase(config);
    return { kind, config, db, drop: async () => { await db.destroy(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const services = inject('services');
  const serverUrl = kind === 'postgres' ? services.postgres! : services.mysql!;
  const admin = connectDatabase({ client: kind === 'postgres' ? 'pg' : 'mysql2', connection: serverUrl, poolMax: 1 });
  await admin.raw(kind === 'postgres' ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const config: DatabaseConfig = { client: kind === 'postgres' ? 'pg' : 'mysql2', connection: url.toString(), poolMax: 10 };
  const db = connectDatabase(config);
  return {
    kind,
    config,
    db,
    drop: async () => {
      await db.destroy();
      await admin.raw(kind === 'postgres' ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}
