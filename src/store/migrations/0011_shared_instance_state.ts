import type { Kysely } from 'kysely';

// State that several instances on one PostgreSQL database share, and that one instance
// kept in its memory before:
// - `dev_idp_grants`: the development IdP's authorization codes and access tokens, keyed by
//   the SHA-256 of the value handed out, the grant sealed by the data protector.
// - `job_leases`: which instance runs a background job (housekeeping, the chain
//   publisher) until when; another takes the job over once the lease has run out.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dev_idp_grants')
    .addColumn('value_hash', 'text', (c) => c.primaryKey())
    // code | access_token
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sealed_grant', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dev_idp_grants_expiry').on('dev_idp_grants').column('expires_at').execute();

  await db.schema
    .createTable('job_leases')
    .addColumn('job', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('until', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('job_leases').execute();
  await db.schema.dropTable('dev_idp_grants').execute();
}
