// The scale-out backend: PostgreSQL, for several stateless service instances on one
// database. Same migrations and repositories as SQLite.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { withStorageFaults } from './faults.js';
import type { OpenDatabaseOptions } from './sqlite.js';

// COUNT(*) and other int8 values arrive as strings by default; every one the service
// reads fits a JavaScript number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function openPostgres(url: string, options: OpenDatabaseOptions = {}): Kysely<Database> {
  // A connection attempt to a server that does not answer fails after a few seconds (the
  // request gets a 503) instead of queueing requests behind it without end.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // A connection that the server closes (a restart, pg_terminate_backend) emits 'error':
  // on the pool while idle, on the client itself while checked out. Unhandled, either
  // would end the process. The query in flight fails (and becomes a 503), the pool drops
  // the broken connection and opens a new one for the next query; nothing else to do.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({
    dialect: withStorageFaults(new PostgresDialect({ pool })),
    ...(options.log ? { log: options.log } : {}),
  });
}
