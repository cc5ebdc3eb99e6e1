import type { Kysely } from 'kysely';
import type { ApiClientRow, Database } from '../database.js';

export async function insertApiClient(db: Kysely<Database>, row: ApiClientRow): Promise<void> {
  await db.insertInto('api_clients').values(row).execute();
}

export function findApiClientByPrefix(
  db: Kysely<Database>,
  prefix: string,
): Promise<ApiClientRow | undefined> {
  return db.selectFrom('api_clients').selectAll().where('key_prefix', '=', prefix).executeTakeFirst();
}

export function findApiClient(db: Kysely<Database>, id: string): Promise<ApiClientRow | undefined> {
  return db.selectFrom('api_clients').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listApiClients(db: Kysely<Database>): Promise<ApiClientRow[]> {
  return db.selectFrom('api_clients').selectAll().orderBy('created_at', 'asc').execute();
}

export async function revokeApiClientRow(db: Kysely<Database>, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('api_clients')
    .set({ status: 'revoked', revoked_at: at.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
