import { type Kysely, sql } from 'kysely';

// Which exchange looked which account up, and when last: the record webhook notifications
// are sent from. Until now the buffered query log served as that record, so a status
// change in the second after a lookup (or a crash before the buffer was written) notified
// nobody. An interest row is written before the lookup is answered. One row per
// (account, exchange): the primary key answers "who is interested in this account" for a
// status change, the second index lets housekeeping remove rows past the interest window.
//
// `readiness_probe` is written (and rolled back) by the readiness check, to learn whether
// the database accepts writes at all (disk full, read-only), which `select 1` cannot tell.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('exchange_interest')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('looked_up_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('exchange_interest_pk', ['account', 'client_id'])
    .execute();
  await db.schema
    .createIndex('exchange_interest_looked_up_at')
    .on('exchange_interest')
    .columns(['looked_up_at'])
    .execute();
  // Interest already recorded in the query log carries over, so the upgrade itself loses
  // no notification; housekeeping drops what is past the window.
  await sql`
    insert into exchange_interest (account, client_id, looked_up_at)
    select account, client_id, max(at) from query_log
    where kind in ('lookup', 'batch')
    group by account, client_id
  `.execute(db);

  await db.schema
    .createTable('readiness_probe')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('padding', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('readiness_probe').execute();
  await db.schema.dropTable('exchange_interest').execute();
}
