import type { Kysely } from 'kysely';

// Regulator cases kept confidential until a disclosure date: the lookups made under them
// are withheld from the people they concern until then (src/domain/regulator/disclosure.ts).
// One row per case, by its reference as the Case-Reference header gives it; the legal
// references the confidentiality was set and extended on are a JSON array, oldest first.
// Each change is also an audit entry, so the row is the current state and the log its history.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('confidential_cases')
    .addColumn('case_reference', 'text', (c) => c.primaryKey())
    .addColumn('disclose_at', 'text', (c) => c.notNull())
    .addColumn('legal_references', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('confidential_cases').execute();
}
