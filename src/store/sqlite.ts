// The embedded default backend: one SQLite file in WAL mode.
import SQLite from 'better-sqlite3';
import { Kysely, type LogConfig, type SqliteDatabase, SqliteDialect } from 'kysely';
import type { Database } from './database.js';
import { withStorageFaults } from './faults.js';

export interface OpenDatabaseOptions {
  /** Kysely's query log hook (the query-plan test records every statement through it). */
  log?: LogConfig;
}

/** Prepared statements kept per connection; the service has a few hundred distinct ones. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely prepares every query anew (~60 µs of a ~260 µs lookup). The SQL text of a query
 * built by the same code is the same string, so its prepared statement can be reused.
 * Safe because Kysely runs one query at a time on the connection and finishes (or, for a
 * stream, holds the connection through) each statement before the next.
 */
/**
 * Kysely begins SQLite transactions as deferred, which take the write lock only at their
 * first write. In WAL mode, if another connection to the file commits between such a
 * transaction's first read and its first write (the query-log thread, another process),
 * the write fails at once with SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out.
 * Every transaction here is a write transaction (store/transaction.ts), so it takes the
 * write lock at its start and waits for it instead.
 */
const BEGIN_WRITE = 'begin immediate';

export function withStatementCache(sqlite: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const sql = text === 'begin' ? BEGIN_WRITE : text;
      let statement = statements.get(sql);
      if (statement) {
        // Most recently used last, so the first key is the one to evict.
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

export function openSqlite(filename: string, options: OpenDatabaseOptions = {}): Kysely<Database> {
  const sqlite = new SQLite(filename);
  // WAL lets readers proceed while one writer commits; busy_timeout makes concurrent
  // writers queue instead of failing with SQLITE_BUSY.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Database>({
    dialect: withStorageFaults(new SqliteDialect({ database: withStatementCache(sqlite) })),
    ...(options.log ? { log: options.log } : {}),
  });
}
