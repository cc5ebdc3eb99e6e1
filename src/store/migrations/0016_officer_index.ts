import { type Kysely, sql } from 'kysely';

// The officers among all identities (the operator's list, `regulators list`): a partial
// index holding only the identities whose roles name the regulator, so listing them costs
// as many rows as there are officers, not a scan of every citizen. The predicate is the
// query's own (`roles like '%regulator%'`), which both SQLite and PostgreSQL match.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('identities_officers')
    .on('identities')
    .column('id')
    .where(sql.ref('roles'), 'like', sql.lit('%regulator%'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('identities_officers').execute();
}
