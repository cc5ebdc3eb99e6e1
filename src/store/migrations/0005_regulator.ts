import type { Kysely } from 'kysely';

// Regulator actions: identities blocked from linking after a revocation, and signed
// checkpoints of the audit log's Merkle tree.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('identities').addColumn('link_blocked_at', 'text').execute();
  await db.schema.alterTable('identities').addColumn('link_blocked_reason', 'text').execute();

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('tree_size', 'integer', (c) => c.primaryKey())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    // The checkpoint as a compact JWS signed with the service's attestation key.
    .addColumn('token', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').execute();
  await db.schema.alterTable('identities').dropColumn('link_blocked_reason').execute();
  await db.schema.alterTable('identities').dropColumn('link_blocked_at').execute();
}
