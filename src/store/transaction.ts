// The unit of work every use case runs its state change in: `ctx.units.run(work)`.
// Its reads, its writes and the audit entries it appends commit together or not at all,
// with what the bodies rely on (docs/architecture.md, "The unit of work"): writers one at
// a time, so an audit append reads the true tail (and the primary key on `seq` turns any
// slip into a rollback, never a forked chain); a body reads its own writes and may await
// between statements (the audit hash, signing); a unique violation rolls the whole unit
// back, and the body may then run again. Each backend has its adapter, chosen by the
// runtime that opens the database: an SQLite file (one write transaction at a time by
// design) and a Durable Object's storage on Workers (durableObjectSqlite.ts: one
// connection, held by a transaction from begin to commit) run the body in a plain
// transaction; PostgreSQL takes the transaction-scoped advisory lock below first, so
// concurrent writers across instances queue instead of colliding on the audit sequence
// or deadlocking on it. test/backends/unitOfWork.test.ts checks the guarantees on all three.
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from './database.js';

export interface UnitOfWork {
  /** Runs `work` as one unit, serialised with every other unit of the service. */
  run<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
}

/** An arbitrary constant naming the service's write lock. */
const WRITE_LOCK = 0x77616c6c; // "wall"

/** SQLite (a file, or a Durable Object's storage): the database has one writer at a time. */
export function singleWriterUnits(db: Kysely<Database>): UnitOfWork {
  return { run: (work) => db.transaction().execute(work) };
}

/** PostgreSQL: every unit takes the write lock at its first statement (released at commit or rollback). */
export function advisoryLockedUnits(db: Kysely<Database>): UnitOfWork {
  return {
    run: (work) =>
      db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
        return work(trx);
      }),
  };
}

/** The adapter for a database file or PostgreSQL, by its dialect (the Node runtime, the CLI, tools). */
export function unitsOf(db: Kysely<Database>): UnitOfWork {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? advisoryLockedUnits(db)
    : singleWriterUnits(db);
}
