import type { Kysely } from 'kysely';

// Regulator actions awaiting a second officer's approval (src/domain/regulator/fourEyes.ts).
// `payload` is the action's request as JSON (identity IDs, reason, legal reference; never a
// national ID). The approval and its action commit together; the audit log has both.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pending_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // identity_revocation | link_block_lift | regulator_grant
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    // officer | api-key
    .addColumn('requested_via', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('case_reference', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    // pending | approved (expiry is read from expires_at)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'text')
    .execute();
  // The console's list: the pending ones, soonest to expire first.
  await db.schema
    .createIndex('pending_actions_open')
    .on('pending_actions')
    .columns(['status', 'expires_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pending_actions').execute();
}
