// The development IdP's codes and access tokens (dev_idp_grants), by the SHA-256 of the
// value. A code is redeemed by deleting its row: of two instances redeeming one code at
// once, only the one whose DELETE returned the row has it.
import type { Kysely } from 'kysely';
import type { Database, DevIdpGrantsTable } from '../database.js';

export type DevIdpGrantRow = DevIdpGrantsTable;

export async function insertDevIdpGrant(db: Kysely<Database>, row: DevIdpGrantRow): Promise<void> {
  await db.insertInto('dev_idp_grants').values(row).execute();
}

/** Removes the grant and returns it (expired or not); undefined when it was not there. */
export function takeDevIdpGrant(
  db: Kysely<Database>,
  kind: DevIdpGrantRow['kind'],
  valueHash: string,
): Promise<Pick<DevIdpGrantRow, 'sealed_grant' | 'expires_at'> | undefined> {
  return db
    .deleteFrom('dev_idp_grants')
    .where('value_hash', '=', valueHash)
    .where('kind', '=', kind)
    .returning(['sealed_grant', 'expires_at'])
    .executeTakeFirst();
}

export function findDevIdpGrant(
  db: Kysely<Database>,
  kind: DevIdpGrantRow['kind'],
  valueHash: string,
  now: Date,
): Promise<Pick<DevIdpGrantRow, 'sealed_grant'> | undefined> {
  return db
    .selectFrom('dev_idp_grants')
    .select('sealed_grant')
    .where('value_hash', '=', valueHash)
    .where('kind', '=', kind)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
}

export async function purgeExpiredDevIdpGrants(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('dev_idp_grants')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
