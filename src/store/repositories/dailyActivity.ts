import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/** The audit actions the dashboard counts per day (kept in sync with migration 0012's backfill). */
export const COUNTED_ACTIONS = [
  'binding.created',
  'binding.suspended',
  'binding.revoked',
  'attestation.suspended',
  'attestation.revoked',
] as const;
const COUNTED = new Set<string>(COUNTED_ACTIONS);

/** Adds one to the day's count of `action`; call it in the transaction that audits the event. */
export async function countActivity(db: Kysely<Database>, action: string, at: string): Promise<void> {
  if (!COUNTED.has(action)) return;
  await db
    .insertInto('daily_activity')
    .values({ day: at.slice(0, 10), action, count: 1 })
    .onConflict((oc) =>
      oc.columns(['day', 'action']).doUpdateSet((eb) => ({ count: eb('daily_activity.count', '+', 1) })),
    )
    .execute();
}

/** The counts of the days from `fromDay` to `toDay` (YYYY-MM-DD, both included). */
export function listDailyActivity(db: Kysely<Database>, fromDay: string, toDay: string) {
  return db
    .selectFrom('daily_activity')
    .select(['day', 'action', 'count'])
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .execute();
}
