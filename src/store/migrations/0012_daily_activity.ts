import { type Kysely, sql } from 'kysely';

// Per-day counts of the events the regulator dashboard charts (links, suspensions,
// revocations), kept by the audit append in the same transaction as the event, so the
// dashboard reads one row per day and kind instead of counting the audit log. Days are
// UTC calendar days (the first ten characters of the audit entry's ISO time). The
// existing log is counted once here. An index on the audit log's subject serves the
// console's history of one identity or binding.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('daily_activity')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_activity_pk', ['day', 'action'])
    .execute();
  // The console's identity and binding pages read their history by subject.
  await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject_id', 'seq']).execute();
  await sql`
    insert into daily_activity (day, action, count)
    select substr(at, 1, 10), action, count(*) from audit_log
    where action in ('binding.created', 'binding.suspended', 'binding.revoked',
                     'attestation.suspended', 'attestation.revoked')
    group by substr(at, 1, 10), action`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_log_subject').execute();
  await db.schema.dropTable('daily_activity').execute();
}
