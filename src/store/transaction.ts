// The unit of work every use case runs its state change in: `inTransaction(db, work)`.
// Its reads, its writes and the audit entries it appends commit together or not at all,
// with what the bodies rely on (docs/architecture.md, "The unit of work"): writers one at
// a time, so an audit append reads the true tail (and the primary key on `seq` turns any
// slip into a rollback, never a forked chain); a body reads its own writes and may await
// between statements (the audit hash, signing); a unique violation rolls the whole unit
// back, and the body may then run again. The adapters are Kysely dialects: an SQLite file
// (one write transaction at a time by design), PostgreSQL (the transaction-scoped
// advisory lock below, so concurrent writers across instances queue instead of colliding
// on the audit sequence or deadlocking on it) and a Durable Object's storage on Workers
// (durableObjectSqlite.ts: one connection, held by a transaction from begin to commit).
// test/backends/unitOfWork.test.ts checks the guarantees on all three.
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
