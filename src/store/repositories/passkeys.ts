import type { Kysely } from 'kysely';
import type { Database, PasskeyRow } from '../database.js';

export async function insertPasskey(db: Kysely<Database>, row: PasskeyRow): Promise<void> {
  await db.insertInto('passkeys').values(row).execute();
}

export function findPasskey(db: Kysely<Database>, id: string): Promise<PasskeyRow | undefined> {
  return db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listPasskeys(db: Kysely<Database>, identityId: string): Promise<PasskeyRow[]> {
  return db
    .selectFrom('passkeys')
    .selectAll()
    .where('identity_id', '=', identityId)
    .orderBy('created_at', 'asc')
    .execute();
}

export async function countPasskeys(db: Kysely<Database>, identityId: string): Promise<number> {
  const { n } = await db
    .selectFrom('passkeys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('identity_id', '=', identityId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * Stores the new signature counter only if nobody stored another one since we read it:
 * two assertions racing with the same counter cannot both be accepted.
 */
export async function advancePasskeyCounter(
  db: Kysely<Database>,
  id: string,
  expectedCounter: number,
  newCounter: number,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('passkeys')
    .set({ counter: newCounter, last_used_at: at.toISOString() })
    .where('id', '=', id)
    .where('counter', '=', expectedCounter)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function renamePasskey(db: Kysely<Database>, id: string, identityId: string, name: string) {
  const result = await db
    .updateTable('passkeys')
    .set({ name })
    .where('id', '=', id)
    .where('identity_id', '=', identityId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deletePasskey(db: Kysely<Database>, id: string, identityId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('passkeys')
    .where('id', '=', id)
    .where('identity_id', '=', identityId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
