import type { Kysely } from 'kysely';
import type { Database, IdentityRow, IdentityUpdate, NewIdentityRow } from '../database.js';

export function findIdentityById(db: Kysely<Database>, id: string): Promise<IdentityRow | undefined> {
  return db.selectFrom('identities').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findIdentityByNationalIdHash(
  db: Kysely<Database>,
  hash: string,
): Promise<IdentityRow | undefined> {
  return db.selectFrom('identities').selectAll().where('national_id_hash', '=', hash).executeTakeFirst();
}

export async function insertIdentity(db: Kysely<Database>, row: NewIdentityRow): Promise<void> {
  await db.insertInto('identities').values(row).execute();
}

export async function updateIdentity(
  db: Kysely<Database>,
  id: string,
  changes: IdentityUpdate,
): Promise<void> {
  await db.updateTable('identities').set(changes).where('id', '=', id).execute();
}
