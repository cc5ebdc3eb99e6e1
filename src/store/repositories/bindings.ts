import type { Kysely } from 'kysely';
import type { BindingRow, ConflictReportRow, Database } from '../database.js';

export async function insertBinding(db: Kysely<Database>, row: BindingRow): Promise<void> {
  await db.insertInto('bindings').values(row).execute();
}

/** The binding that currently holds the account (active or suspended), if any. */
export async function findLiveBindingForAccount(
  db: Kysely<Database>,
  account: string,
): Promise<BindingRow | undefined> {
  return db
    .selectFrom('bindings')
    .selectAll()
    .where('account', '=', account)
    .where('status', '<>', 'revoked')
    .executeTakeFirst();
}

export async function findBinding(db: Kysely<Database>, id: string): Promise<BindingRow | undefined> {
  return db.selectFrom('bindings').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listBindingsOfIdentity(
  db: Kysely<Database>,
  identityId: string,
): Promise<BindingRow[]> {
  return db
    .selectFrom('bindings')
    .selectAll()
    .where('identity_id', '=', identityId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

export async function countLiveBindingsOfIdentity(db: Kysely<Database>, identityId: string): Promise<number> {
  const row = await db
    .selectFrom('bindings')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('identity_id', '=', identityId)
    .where('status', '<>', 'revoked')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Compare-and-set on the status, so two concurrent changes cannot both apply. */
export async function changeBindingStatus(
  db: Kysely<Database>,
  p: { id: string; from: string; to: string; at: Date; reason?: string },
): Promise<boolean> {
  const result = await db
    .updateTable('bindings')
    .set({ status: p.to, status_changed_at: p.at.toISOString(), revocation_reason: p.reason ?? null })
    .where('id', '=', p.id)
    .where('status', '=', p.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertConflictReport(db: Kysely<Database>, row: ConflictReportRow): Promise<void> {
  await db.insertInto('conflict_reports').values(row).execute();
}

export async function listConflictReports(
  db: Kysely<Database>,
  filter: { account?: string; status?: string } = {},
): Promise<ConflictReportRow[]> {
  let query = db.selectFrom('conflict_reports').selectAll().orderBy('created_at', 'asc');
  if (filter.account !== undefined) query = query.where('account', '=', filter.account);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  return query.execute();
}
