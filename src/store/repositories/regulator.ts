// Reads and writes only regulators need.
import type { Kysely } from 'kysely';
import type { ConflictReportRow, Database, QueryLogRow } from '../database.js';

export async function setLinkBlock(
  db: Kysely<Database>,
  identityId: string,
  block: { at: string; reason: string } | null,
): Promise<boolean> {
  let query = db
    .updateTable('identities')
    .set({ link_blocked_at: block?.at ?? null, link_blocked_reason: block?.reason ?? null })
    .where('id', '=', identityId);
  query = block ? query.where('link_blocked_at', 'is', null) : query.where('link_blocked_at', 'is not', null);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setRoles(db: Kysely<Database>, identityId: string, roles: string): Promise<void> {
  await db.updateTable('identities').set({ roles }).where('id', '=', identityId).execute();
}

export function findConflictReport(db: Kysely<Database>, id: string): Promise<ConflictReportRow | undefined> {
  return db.selectFrom('conflict_reports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function resolveConflictReport(
  db: Kysely<Database>,
  p: { id: string; status: 'resolved' | 'dismissed'; resolution: string; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('conflict_reports')
    .set({ status: p.status, resolution: p.resolution, resolved_at: p.at.toISOString() })
    .where('id', '=', p.id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface QueryLogFilter {
  account?: string;
  clientId?: string;
  from?: string;
  to?: string;
  limit: number;
}

export function searchQueryLog(db: Kysely<Database>, filter: QueryLogFilter): Promise<QueryLogRow[]> {
  let query = db
    .selectFrom('query_log')
    .selectAll()
    .orderBy('at', 'asc')
    .orderBy('id', 'asc')
    .limit(filter.limit);
  if (filter.account !== undefined) query = query.where('account', '=', filter.account);
  if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  return query.execute();
}
