// The embedded default backend: one SQLite file in WAL mode.
import SQLite from 'better-sqlite3';
import { Kysely, type LogConfig, SqliteDialect } from 'kysely';
import type { Database } from './database.js';

export interface OpenDatabaseOptions {
  /** Kysely's query log hook (the query-plan test records every statement through it). */
  log?: LogConfig;
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
    dialect: new SqliteDialect({ database: sqlite }),
    ...(options.log ? { log: options.log } : {}),
  });
}
