// The scale-out backend: PostgreSQL, for several stateless service instances on one
// database. Same migrations and repositories as SQLite.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

// COUNT(*) and other int8 values arrive as strings by default; every one the service
// reads fits a JavaScript number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function openPostgres(url: string): Kysely<Database> {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }),
  });
}
