import { type Kysely, sql } from 'kysely';

// eGov Mobile signings through SIGEX: one row per QR shown to a citizen, so that the steps
// the service drives (hand SIGEX the challenge, wait for the signature) survive a restart
// and are taken over by another instance. What SIGEX hands out (the dataURL and signURL,
// which act as capabilities) and what comes back (the CMS, which names the citizen) are
// sealed by the data protector; the flow cookie it is bound to is stored as a digest.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('egov_signings')
    // Random, handed to the page; useless without the flow cookie it is bound to.
    .addColumn('id', 'text', (c) => c.primaryKey())
    // SHA-256 of the pre-sign-in flow cookie.
    .addColumn('binding', 'text', (c) => c.notNull())
    // pending | signed | completed | failed
    .addColumn('status', 'text', (c) => c.notNull())
    // Where a pending signing stands: send-data | await-signature
    .addColumn('step', 'text', (c) => c.notNull())
    // {challenge, dataUrl, signUrl}, encrypted.
    .addColumn('sealed_flow', 'text', (c) => c.notNull())
    // The signed CMS (base64) once SIGEX has it, encrypted.
    .addColumn('sealed_signature', 'text')
    // Why it failed: a problem type and its detail, no personal data.
    .addColumn('failure', 'text')
    // Failed attempts to reach SIGEX in a row: the backoff before the next one.
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // A worker's (or a completing request's) lease: others leave the row alone until it passes.
    .addColumn('locked_until', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The poller's queue: only pending rows, the way the other outboxes index theirs.
  await db.schema
    .createIndex('egov_signings_due')
    .on('egov_signings')
    .columns(['next_attempt_at'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute();
  await db.schema.createIndex('egov_signings_expiry').on('egov_signings').columns(['expires_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('egov_signings').execute();
}
