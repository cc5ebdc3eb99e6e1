import type { Kysely } from 'kysely';

// Exchange lookups read every binding of an account, whatever its status (a revoked one
// still answers "revoked"). The only index on `account` so far was the partial unique one
// for live bindings, which such a query cannot use, so every lookup read the whole table.
// `created_at` second serves the lookup's newest-first order. test/store/queryPlans.test.ts
// checks that every hot query is answered through an index.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('bindings_account').on('bindings').columns(['account', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('bindings_account').execute();
}
