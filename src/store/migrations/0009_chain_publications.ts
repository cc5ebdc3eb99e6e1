import { type Kysely, sql } from 'kysely';

// Publication of attestations on chains. `chain_publications` is the outbox: a row per
// issuance or status change of a binding, written in that change's transaction, telling
// the publisher to bring the binding's attestations on that chain in line with the
// database. `chain_attestations` is what the publisher has put on a chain: the EAS UID of
// each published attestation and the status last written there.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('chain_publications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // CAIP-2
    .addColumn('chain_id', 'text', (c) => c.notNull())
    .addColumn('binding_id', 'text', (c) => c.notNull().references('bindings.id'))
    // attestation.issued | binding.suspended | attestation.revoked | …: why it was written
    .addColumn('event', 'text', (c) => c.notNull())
    // pending | published | failed (the chain refused it for good)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // A publisher's lease: another instance leaves the row alone until it passes.
    .addColumn('locked_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  // The publisher's queue, partial on `pending` like the webhook outbox's.
  await db.schema
    .createIndex('chain_publications_due')
    .on('chain_publications')
    .columns(['next_attempt_at'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute();

  await db.schema
    .createTable('chain_attestations')
    .addColumn('attestation_id', 'text', (c) => c.primaryKey().references('attestations.id'))
    .addColumn('chain_id', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('tx_hash', 'text')
    // active | suspended | revoked: the status last written on the chain
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('chain_attestations').execute();
  await db.schema.dropTable('chain_publications').execute();
}
