import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import type { Database } from '../store/database.js';
import { type OpenDatabaseOptions, openSqlite } from '../store/sqlite.js';

export async function openDatabase(
  config: Config,
  options: OpenDatabaseOptions = {},
): Promise<Kysely<Database>> {
  if (config.database.kind === 'postgres') {
    // Loaded only when configured: an SQLite service does not carry the pg driver.
    const { openPostgres } = await import('../store/postgres.js');
    return openPostgres(config.database.url, options);
  }
  if (config.database.filename !== ':memory:')
    mkdirSync(dirname(config.database.filename), { recursive: true });
  return openSqlite(config.database.filename, options);
}
