import { type Kysely, sql } from 'kysely';

// Wallet linking: outstanding EIP-4361 challenges, bindings of accounts to identities,
// and conflict reports for regulators. Portable types only, like 0001.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wallet_challenges')
    // SHA-256 of the SIWE nonce: the key a signed message is looked up by.
    .addColumn('id', 'text', (c) => c.primaryKey())
    // keccak256 of the message: the key an on-chain proof is looked up by.
    .addColumn('challenge_hash', 'text', (c) => c.notNull().unique())
    // SHA-256 of the session ID the challenge was issued to.
    .addColumn('session_binding', 'text', (c) => c.notNull())
    .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('wallet_challenges_expiry')
    .on('wallet_challenges')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('bindings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id'))
    // Canonical CAIP-10 ID; chain_id is its CAIP-2 prefix, kept for filtering.
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('chain_id', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('status_changed_at', 'text', (c) => c.notNull())
    .addColumn('revocation_reason', 'text')
    .execute();
  // The rule "an account has at most one live binding" lives in the database, so no
  // interleaving of concurrent requests can break it.
  await db.schema
    .createIndex('bindings_one_live_per_account')
    .on('bindings')
    .column('account')
    .unique()
    .where(sql.ref('status'), '<>', 'revoked')
    .execute();
  await db.schema
    .createIndex('bindings_identity')
    .on('bindings')
    .columns(['identity_id', 'status'])
    .execute();

  await db.schema
    .createTable('conflict_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('existing_binding_id', 'text', (c) => c.notNull().references('bindings.id'))
    .addColumn('claimant_identity_id', 'text', (c) => c.notNull().references('identities.id'))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('resolution', 'text')
    .execute();
  await db.schema
    .createIndex('conflict_reports_status')
    .on('conflict_reports')
    .columns(['status', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['conflict_reports', 'bindings', 'wallet_challenges']) {
    await db.schema.dropTable(table).execute();
  }
}
