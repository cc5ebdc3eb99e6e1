// Write transactions. Every state change appends to the audit log, whose next entry
// depends on the current tail; on PostgreSQL concurrent writers therefore take one
// transaction-scoped advisory lock first, so they queue instead of colliding on the
// audit sequence (or deadlocking on it after locking other rows). SQLite already runs one
// write transaction at a time.
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from './database.js';

/** An arbitrary constant naming the service's write lock. */
const WRITE_LOCK = 0x77616c6c; // "wall"

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Takes the write lock in the current transaction (re-entrant; released at commit or rollback). */
export async function lockWrites(trx: Kysely<Database>): Promise<void> {
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
}

/** Runs `work` in a transaction that holds the write lock from its first statement. */
export function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await lockWrites(trx);
    return work(trx);
  });
}
