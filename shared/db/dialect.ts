import type { Knex } from 'knex';

// The one place where the three dialects' differences are smoothed over. Repositories call these
// helpers instead of branching on the client themselves.

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

export function dialectOf(db: Knex): Dialect {
  const client = String(db.client.config.client);
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') return 'postgres';
  if (client.startsWith('mysql')) return 'mysql';
  return 'sqlite';
}

/**
 * PostgreSQL: runs a query of the hot paths (every signed-in page, every vote) as a named prepared
 * statement, parsed and planned once per connection instead of on every call: for a query that
 * reads one row by its key, the parse and the plan are most of the database's work. Other
 * dialects: the query as it is.
 * A name must always go with one SQL text, so only for queries whose text cannot vary (no
 * `whereIn` over a list of varying length), and naming the columns they read (a prepared `select *`
 * fails once the table gains a column). Behind PgBouncer this needs version 1.21 or later
 * with `max_prepared_statements` set, as any client using prepared statements does.
 */
export function prepared<Q extends Knex.QueryBuilder>(db: Knex, name: string, query: Q): Q {
  return dialectOf(db) === 'postgres' ? (query.options({ name: `urna_${name}` }) as Q) : query;
}

/** SQLite stores dates as epoch milliseconds; PostgreSQL and MySQL return Date. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') {
    const n = Number(value);
    if (value.trim() !== '' && Number.isFinite(n)) return new Date(n);
    return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  }
  throw new TypeError(`not a date: ${String(value)}`);
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

/** SQLite and MySQL return 0/1 for booleans. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

/** COUNT(*) comes back as a string (pg bigint), a number, or a bigint. */
export function toCount(value: unknown): number {
  return Number(value ?? 0);
}

/** JSON is stored as text on every dialect, so one code path reads it. */
export function toJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value !== 'string') return value as T;
  return JSON.parse(value) as T;
}

export function fromJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Whether an error is a unique-key violation, on any dialect. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number } | null;
  return (
    e?.code === '23505' || // PostgreSQL
    e?.code === 'ER_DUP_ENTRY' || e?.errno === 1062 || // MySQL/MariaDB
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * Whether an error means the database cannot be reached right now (refused or dropped
 * connections, no free connection in time, the server shutting down or not accepting
 * connections), as opposed to a problem with the query. Pages answer 503 for these.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; name?: string; message?: string } | null;
  if (!e) return false;
  if (e.name === 'KnexTimeoutError') return true;
  const code = String(e.code ?? '');
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
    'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN'].includes(code)) return true;
  // PostgreSQL: connection exceptions (08xxx), admin/crash shutdown and "cannot connect now" (57P0x), too many connections.
  if (/^08...$/.test(code) || /^57P0[1-3]$/.test(code) || code === '53300') return true;
  return /Connection terminated|Connection ended unexpectedly|connection is closed|Cannot enqueue .* after fatal error/i.test(e.message ?? '');
}

/**
 * Adds a row lock (FOR UPDATE / FOR SHARE) on PostgreSQL and MySQL. SQLite has no row locks and
 * needs none here: Urna opens it with a single connection, so transactions already run one at a time.
 */
export function withRowLock<Q extends Knex.QueryBuilder>(db: Knex, query: Q, mode: 'update' | 'share'): Q {
  if (dialectOf(db) === 'sqlite') return query;
  return (mode === 'update' ? query.forUpdate() : query.forShare()) as Q;
}

/**
 * Creates a table stored in primary-key order. SQLite otherwise keeps rows in rowid (insertion)
 * order, which for ballots would reveal the order of voting; WITHOUT ROWID clusters them by
 * their random id instead. InnoDB already clusters by primary key; PostgreSQL has no such
 * option (see SECURITY.md for what is done there).
 */
export async function createTableClusteredByKey(knex: Knex, name: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void> {
  if (dialectOf(knex) !== 'sqlite') {
    await knex.schema.createTable(name, build);
    return;
  }
  const [create, ...rest] = knex.schema.createTable(name, build).toSQL();
  await knex.raw(`${create.sql} without rowid`, create.bindings);
  for (const statement of rest) await knex.raw(statement.sql, statement.bindings);
}

/** Whether a transaction lost a deadlock or a serialization conflict, and may simply be retried. */
export function isRetryableConflict(err: unknown): boolean {
  const e = err as { code?: string; errno?: number } | null;
  return (
    e?.code === '40P01' || e?.code === '40001' || // PostgreSQL deadlock / serialization failure
    e?.code === 'ER_LOCK_DEADLOCK' || e?.errno === 1213 || // MySQL/MariaDB
    e?.code === 'SQLITE_BUSY'
  );
}

/**
 * Inserts many rows in the caller's transaction, quickly: sync writes hundreds of thousands of
 * eligible voters. knex's batchInsert adds a savepoint and a timer tick per call and compiles
 * SQLite inserts as UNION ALL selects; this sends one statement per chunk instead (on PostgreSQL,
 * one statement with an array per column). Values must be strings, numbers, bytes or null.
 */
export async function insertRows(db: Knex, table: string, rows: ReadonlyArray<Record<string, string | number | Buffer | null>>): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const identifiers = columns.map(() => '??').join(', ');
  if (dialectOf(db) === 'postgres') {
    const casts = columns.map((c) => {
      const sample = rows.find((r) => r[c] !== null && r[c] !== undefined)?.[c];
      return `?::${typeof sample === 'number' ? 'numeric' : Buffer.isBuffer(sample) ? 'bytea' : 'text'}[]`;
    });
    await db.raw(`insert into ?? (${identifiers}) select * from unnest(${casts.join(', ')})`, [
      table, ...columns, ...columns.map((c) => rows.map((r) => r[c] ?? null)),
    ] as unknown as Knex.RawBinding[]);
    return;
  }
  // Well under SQLite's 32,766 and MySQL's 65,535 placeholders per statement.
  const perChunk = Math.max(1, Math.floor(20_000 / columns.length));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    await db.raw(`insert into ?? (${identifiers}) values ${chunk.map(() => tuple).join(', ')}`, [
      table, ...columns, ...chunk.flatMap((r) => columns.map((c) => r[c] ?? null)),
    ]);
  }
}

/**
 * PostgreSQL: leave room in each page of a table whose rows are later updated in bulk, so the
 * update can stay on the page without touching the indexes (a HOT update). Used for `votes`,
 * whose links `delete_after` clears for a whole election at once. Other dialects: nothing.
 */
export async function reservePageSpaceForUpdates(knex: Knex, table: string, fillfactor: number): Promise<void> {
  if (dialectOf(knex) === 'postgres') await knex.raw(`alter table ?? set (fillfactor = ${Math.trunc(fillfactor)})`, [table]);
}

/**
 * MySQL/MariaDB compare text case-insensitively under their default collations; Urna's ids are
 * case-sensitive random strings and its logins are lower-cased by the code, so every table uses
 * an exact (binary) UTF-8 collation, as PostgreSQL and SQLite compare by default.
 */
export function exactTextComparison(knex: Knex, table: Knex.CreateTableBuilder): void {
  if (dialectOf(knex) === 'mysql') {
    table.charset('utf8mb4');
    table.collate('utf8mb4_bin');
  }
}
