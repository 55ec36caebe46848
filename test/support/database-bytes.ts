import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Knex } from 'knex';
import type { TestDatabase } from './databases.js';

// What a holder of the database server can read besides the rows: the server's log of changes
// (PostgreSQL's WAL, InnoDB's redo and undo logs and the binlog if enabled, SQLite's -wal file)
// and the files that hold the tables. Used by the secrecy audit to search every byte of them.

export interface ByteSource {
  /** e.g. `pg_wal/000000010000000000000003`, `base/16384/16521`, `ib_logfile0`, `sqlite-wal` */
  name: string;
  /** `log`: a log of changes, in the order they were made; `file`: where the tables live. */
  kind: 'log' | 'file';
  bytes: Buffer;
}

export interface DatabaseBytes {
  sources: ByteSource[];
  /** What could not be read, or was not there to read (e.g. MariaDB without a binlog). */
  notes: string[];
}

/**
 * Every byte of the server's change log and table files for this scratch database. PostgreSQL is
 * read as its superuser would, through SQL (pg_ls_waldir, pg_relation_filepath,
 * pg_read_binary_file), after a CHECKPOINT so the table files hold what the buffers held.
 * MariaDB and SQLite are read from disk (the test runs beside the server, as root): MariaDB
 * after FLUSH TABLES ... FOR EXPORT, which writes the tables' dirty pages to their .ibd files;
 * SQLite's -wal file first, then its database file after a passive checkpoint.
 * Log sources come first, in the order they were written (WAL segments by name).
 */
export async function readDatabaseBytes(t: TestDatabase, options: { walSince?: string } = {}): Promise<DatabaseBytes> {
  switch (t.kind) {
    case 'postgres': return readPostgres(t.db, options.walSince);
    case 'mysql': return readMariaDb(t.db);
    default: return readSqlite(t.db, t.config.connection);
  }
}

/** PostgreSQL: the WAL segment being written now (pass it to readDatabaseBytes as `walSince`). */
export async function currentWalSegment(db: Knex): Promise<string> {
  return (await db.raw('select pg_walfile_name(pg_current_wal_lsn()) as n')).rows[0].n;
}

async function readPostgres(db: Knex, walSince?: string): Promise<DatabaseBytes> {
  await db.raw('checkpoint');
  const sources: ByteSource[] = [];
  const notes: string[] = [];
  const all: Array<{ name: string; size: string }> = (await db.raw(`select name, size from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$' order by name`)).rows;
  // Segments before `walSince` were written before it; those after the current one are recycled
  // segments holding only older records: neither can hold a byte written since.
  const current = await currentWalSegment(db);
  const segments = all.filter((s) => (!walSince || s.name >= walSince) && s.name <= current);
  if (segments.length < all.length) notes.push(`${all.length - segments.length} of ${all.length} WAL segments predate the audit or are recycled: not read`);
  for (const { name, size } of segments) {
    // A segment recycled or removed by a checkpoint between the listing and the read is skipped.
    const row = (await db.raw('select pg_read_binary_file(\'pg_wal/\' || ?, 0, ?, true) as b', [name, Number(size)])).rows[0];
    if (row?.b) sources.push({ name: `pg_wal/${name}`, kind: 'log', bytes: row.b as Buffer });
  }
  // Every relation of this database (tables, indexes, TOAST, catalogs) and the shared catalogs.
  const paths: string[] = (await db.raw('select distinct pg_relation_filepath(oid) as p from pg_class where pg_relation_filepath(oid) is not null order by 1')).rows.map((r: { p: string }) => r.p);
  for (let i = 0; i < paths.length; i += 100) {
    const batch = paths.slice(i, i + 100);
    const rows: Array<{ p: string; b: Buffer | null }> = (await db.raw(`select p, pg_read_binary_file(p, 0, f.size, true) as b
      from unnest(?::text[]) as p, lateral pg_stat_file(p, true) as f where f.size is not null`, [batch])).rows;
    for (const r of rows) if (r.b && r.b.length) sources.push({ name: r.p, kind: 'file', bytes: r.b });
  }
  return { sources, notes };
}

async function readMariaDb(db: Knex): Promise<DatabaseBytes> {
  const [[v]] = await db.raw('select @@datadir as datadir, @@innodb_log_group_home_dir as logdir, @@innodb_undo_directory as undodir, @@innodb_data_home_dir as datahome, @@log_bin as log_bin, @@log_bin_basename as binbase, database() as name');
  const datadir = String(v.datadir);
  const at = (dir: unknown) => (!dir ? datadir : isAbsolute(String(dir)) ? String(dir) : join(datadir, String(dir)));
  if (!existsSync(datadir)) throw new Error(`MariaDB's data directory ${datadir} is not readable from this process: the audit must run beside the server`);
  const notes: string[] = [];
  const sources: ByteSource[] = [];
  const add = (path: string, name: string, kind: ByteSource['kind']) => {
    try {
      if (statSync(path).isFile()) sources.push({ name, kind, bytes: readFileSync(path) });
    } catch {
      // removed between the listing and the read
    }
  };
  const list = (dir: string, pattern: RegExp) => (existsSync(dir) ? readdirSync(dir).filter((f) => pattern.test(f)).sort() : []);
  if (Number(v.log_bin) === 1 && v.binbase) {
    const binlogs: Array<{ Log_name: string }> = (await db.raw('show binary logs'))[0];
    for (const b of binlogs) add(join(dirname(String(v.binbase)), b.Log_name), `binlog ${b.Log_name}`, 'log');
  } else {
    notes.push('log_bin=OFF: no binlog to read');
  }
  for (const f of list(at(v.logdir), /^ib_logfile\d+$/)) add(join(at(v.logdir), f), f, 'log');
  for (const f of list(at(v.undodir), /^undo\d+$/)) add(join(at(v.undodir), f), f, 'log');
  // The system tablespace holds the undo logs when there are no undo tablespaces, and the doublewrite buffer.
  for (const f of list(at(v.datahome), /^ib(data\d+|tmp\d+)$/)) add(join(at(v.datahome), f), f, 'file');
  // As PostgreSQL's CHECKPOINT above: have InnoDB write this database's dirty pages to its .ibd files.
  const tables: string[] = (await db.raw('select table_name as t from information_schema.tables where table_schema = database()'))[0].map((r: { t: string }) => r.t);
  const conn = await db.client.acquireConnection();
  try {
    await db.raw(`flush tables ${tables.map(() => '??').join(', ')} for export`, tables).connection(conn);
    await db.raw('unlock tables').connection(conn);
  } finally {
    await db.client.releaseConnection(conn);
  }
  const own = join(datadir, String(v.name));
  for (const f of list(own, /./)) add(join(own, f), `${v.name}/${f}`, 'file');
  return { sources, notes };
}

async function readSqlite(db: Knex, path: string): Promise<DatabaseBytes> {
  const sources: ByteSource[] = [];
  const notes: string[] = [];
  const read = (suffix: string, kind: ByteSource['kind']) => {
    const file = `${path}${suffix}`;
    if (existsSync(file)) sources.push({ name: `sqlite${suffix || ' file'}`, kind, bytes: readFileSync(file) });
    else if (suffix === '-wal') notes.push('no -wal file');
  };
  read('-wal', 'log');
  read('-journal', 'log');
  // Then, as PostgreSQL's CHECKPOINT above, copy the log into the database file before reading it.
  await db.raw('pragma wal_checkpoint(passive)');
  read('', 'file');
  read('-shm', 'file');
  return { sources, notes };
}

// ---------------------------------------------------------------------------------------------
// Searching for secrets in every encoding, fast enough for hundreds of megabytes.

export interface SecretHit {
  secret: string;
  form: string;
  offset: number;
}

const FORMS: Record<string, (s: string) => Buffer> = {
  raw: (s) => Buffer.from(s, 'utf8'),
  hex: (s) => Buffer.from(Buffer.from(s).toString('hex')),
  HEX: (s) => Buffer.from(Buffer.from(s).toString('hex').toUpperCase()),
  base64: (s) => Buffer.from(Buffer.from(s).toString('base64').replace(/=+$/, '')),
  base64url: (s) => Buffer.from(Buffer.from(s).toString('base64url')),
  uri: (s) => Buffer.from(encodeURIComponent(s)),
  form: (s) => Buffer.from(new URLSearchParams({ x: s }).toString().slice(2)),
  json: (s) => Buffer.from(JSON.stringify(s).slice(1, -1)),
  // JSON in a JSON string (a session's data, a job's payload) escapes the quotes twice.
  json2: (s) => Buffer.from(JSON.stringify(JSON.stringify(s).slice(1, -1)).slice(1, -1)),
  utf16le: (s) => Buffer.from(s, 'utf16le'),
};

/** The encodings a SecretScanner looks for. */
export const SECRET_FORMS = Object.keys(FORMS);

interface Group {
  form: string;
  prefix: Buffer;
  needles: Array<{ secret: string; bytes: Buffer }>;
}

/**
 * Finds any of a set of secrets, in any of several encodings (raw, hex, base64, URL and form
 * encoding, JSON-escaped once or twice, UTF-16), in bytes. The secrets of one scanner should share a prefix
 * (as the audit's rankings and passphrases do), so each encoding is one fast search for that
 * prefix plus a comparison at each place it occurs; secrets without one are searched one by one.
 * Base64 forms are those of the secret encoded on its own (from its first byte).
 */
export class SecretScanner {
  private readonly groups: Group[] = [];

  constructor(readonly secrets: readonly string[]) {
    for (const [form, encode] of Object.entries(FORMS)) {
      const needles = [...new Set(secrets)].map((secret) => ({ secret, bytes: encode(secret) }));
      if (needles.length === 0) continue;
      let common = needles[0]!.bytes.length;
      for (const n of needles) {
        let i = 0;
        while (i < common && i < n.bytes.length && n.bytes[i] === needles[0]!.bytes[i]) i++;
        common = i;
      }
      if (common >= 8) this.groups.push({ form, prefix: needles[0]!.bytes.subarray(0, common), needles });
      else for (const n of needles) this.groups.push({ form, prefix: n.bytes, needles: [n] });
    }
  }

  scan(bytes: Buffer): SecretHit[] {
    const hits: SecretHit[] = [];
    for (const g of this.groups) {
      for (let i = bytes.indexOf(g.prefix); i >= 0; i = bytes.indexOf(g.prefix, i + 1)) {
        for (const n of g.needles) {
          if (i + n.bytes.length <= bytes.length && bytes.compare(n.bytes, 0, n.bytes.length, i, i + n.bytes.length) === 0) {
            hits.push({ secret: n.secret, form: g.form, offset: i });
          }
        }
      }
    }
    return hits;
  }

  scanText(text: string): SecretHit[] {
    return this.scan(Buffer.from(text, 'utf8'));
  }
}

/**
 * Where each of a set of random binary blobs (sealed ballots, links) first occurs in `bytes`:
 * a rolling 4-byte key after the blob's first byte (its constant version byte), filtered through
 * a bitmap, then a full comparison. Returns the blob's index → first offset.
 */
export function findBlobs(bytes: Buffer, blobs: readonly Buffer[]): Map<number, number> {
  const byKey = new Map<number, number[]>();
  const bitmap = new Uint8Array(1 << 21); // one bit per value of the key's low 24 bits
  blobs.forEach((b, j) => {
    if (b.length < 5) throw new Error('findBlobs needs blobs of at least 5 bytes');
    const k = b.readUInt32LE(1);
    byKey.set(k, [...(byKey.get(k) ?? []), j]);
    bitmap[(k & 0xffffff) >>> 3]! |= 1 << (k & 7);
  });
  const found = new Map<number, number>();
  const n = bytes.length;
  if (n < 5) return found;
  let key = bytes.readUInt32LE(1);
  for (let i = 1; ; i++) {
    if (bitmap[(key & 0xffffff) >>> 3]! & (1 << (key & 7))) {
      for (const j of byKey.get(key >>> 0) ?? []) {
        const b = blobs[j]!;
        if (!found.has(j) && i - 1 + b.length <= n && bytes.compare(b, 0, b.length, i - 1, i - 1 + b.length) === 0) found.set(j, i - 1);
      }
    }
    if (i + 4 >= n) break;
    key = (key >>> 8) | (bytes[i + 4]! << 24);
  }
  return found;
}
