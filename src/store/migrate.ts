import { type Kysely, Migrator } from 'kysely';
import type { Database } from './database.js';
import { MIGRATIONS, migrationProvider } from './migrations/index.js';

export interface MigrationReport {
  applied: string[];
}

function migratorFor(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: migrationProvider });
}

/** Brings the schema to the newest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const { error, results } = await migratorFor(db).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${cause}`.replace('  ', ' '));
  }
  return { applied: (results ?? []).map((r) => r.migrationName) };
}

/** True when every known migration has been applied (used by /readyz). */
export async function migrationsAreCurrent(db: Kysely<Database>): Promise<boolean> {
  const migrations = await migratorFor(db).getMigrations();
  const known = Object.keys(MIGRATIONS);
  return known.every((name) => migrations.some((m) => m.name === name && m.executedAt !== undefined));
}
