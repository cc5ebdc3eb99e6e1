// What the readiness check asks of the database: can it be reached, does it accept a
// write, are the migrations current. The write is real (a row of a few pages inserted in a
// transaction that is then rolled back), because a full disk or read-only storage leaves
// reads working: `select 1` alone would report ready while every change fails.
import { type Kysely, sql } from 'kysely';
import { newId } from '../crypto/tokens.js';
import { StorageFullError, StorageReadOnlyError } from '../domain/errors.js';
import type { Database } from './database.js';
import { migrationsAreCurrent } from './migrate.js';

/** Larger than a few pages, so on SQLite the insert must find free pages or grow the file. */
const PROBE_PADDING = 'x'.repeat(16_384);

class ProbeRolledBack extends Error {}

/** Faults arrive translated (faults.ts): full and read-only storage are named as such. */
function faultName(error: unknown): string {
  if (error instanceof StorageFullError) return 'full';
  if (error instanceof StorageReadOnlyError) return 'read-only';
  return 'failing';
}

export async function databaseReadiness(db: Kysely<Database>): Promise<Record<string, string>> {
  try {
    await sql`select 1`.execute(db);
  } catch {
    return { database: 'unreachable' };
  }
  let writes = 'ok';
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('readiness_probe').values({ id: newId(), padding: PROBE_PADDING }).execute();
      throw new ProbeRolledBack();
    });
  } catch (error) {
    if (!(error instanceof ProbeRolledBack)) writes = faultName(error);
  }
  let migrations = 'pending';
  try {
    migrations = (await migrationsAreCurrent(db)) ? 'ok' : 'pending';
  } catch {
    return { database: 'unreachable' };
  }
  return { database: 'ok', writes, migrations };
}
