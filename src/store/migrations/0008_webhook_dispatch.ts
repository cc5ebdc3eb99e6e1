import { type Kysely, sql } from 'kysely';

// The delivery worker takes, per webhook, the oldest due pending delivery (the head of
// that receiver's queue), so a receiver with a backlog cannot crowd the others out and no
// receiver gets two requests at once. Partial on `pending`: delivered and failed rows,
// nearly all of the outbox, stay out of it, so it stays as small as the backlog. The
// queries name `'pending'` as a literal, which is what lets both backends use it.
//
// It replaces the index on (status, next_attempt_at), which served the worker's old
// oldest-first query and nothing else; left in place, SQLite's planner would prefer it
// for the head of a queue and read every due delivery of every receiver to find it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('webhook_deliveries_dispatch')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'next_attempt_at'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute();
  await db.schema.dropIndex('webhook_deliveries_due').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema.dropIndex('webhook_deliveries_dispatch').execute();
}
