// Regulator actions awaiting approval (pending_actions).
import type { Kysely } from 'kysely';
import type { Database, PendingActionsTable } from '../database.js';

export type PendingActionRow = PendingActionsTable;

export async function insertPendingAction(db: Kysely<Database>, row: PendingActionRow): Promise<void> {
  await db.insertInto('pending_actions').values(row).execute();
}

export function findPendingAction(db: Kysely<Database>, id: string): Promise<PendingActionRow | undefined> {
  return db.selectFrom('pending_actions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks it approved, only from pending: false when another approval got there first. */
export async function markApproved(
  db: Kysely<Database>,
  id: string,
  approvedBy: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('pending_actions')
    .set({ status: 'approved', approved_by: approvedBy, approved_at: at.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The actions still awaiting approval at `now`, soonest to expire first (bounded). */
export function listOpenPendingActions(
  db: Kysely<Database>,
  now: Date,
  limit: number,
): Promise<PendingActionRow[]> {
  return db
    .selectFrom('pending_actions')
    .selectAll()
    .where('status', '=', 'pending')
    .where('expires_at', '>', now.toISOString())
    .orderBy('expires_at', 'asc')
    .limit(limit)
    .execute();
}
