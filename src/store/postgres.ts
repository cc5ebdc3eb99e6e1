// The scale-out backend: PostgreSQL, for several stateless service instances on one
// database. Same migrations and repositories as SQLite.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import type { OpenDatabaseOptions } from './sqlite.js';

// COUNT(*) and other int8 values arrive as strings by default; every one the service
// reads fits a JavaScript number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function openPostgres(url: string, options: OpenDatabaseOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle pooled connection that the server closes (a restart, pg_terminate_backend)
  // emits 'error' on the pool; unhandled, that would end the process. The pool drops the
  // broken connection and opens a new one for the next query, so there is nothing to do.
  pool.on('error', () => {});
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(options.log ? { log: options.log } : {}),
  });
}
