// Exchange interest: who looked an account up, and when last (see migration 0007).
import { type Kysely, sql } from 'kysely';
import type { Database } from '../database.js';

/** Records (or moves forward) the client's interest in the accounts, in one statement. */
export async function recordInterest(
  db: Kysely<Database>,
  clientId: string,
  accounts: string[],
  at: Date,
): Promise<void> {
  if (accounts.length === 0) return;
  const lookedUpAt = at.toISOString();
  await db
    .insertInto('exchange_interest')
    .values(accounts.map((account) => ({ account, client_id: clientId, looked_up_at: lookedUpAt })))
    .onConflict((conflict) =>
      conflict
        .columns(['account', 'client_id'])
        .doUpdateSet((eb) => ({ looked_up_at: eb.ref('excluded.looked_up_at') }))
        // Never backwards (a lookup answered by an instance whose clock is behind).
        .where('exchange_interest.looked_up_at', '<', (eb) => eb.ref('excluded.looked_up_at')),
    )
    .execute();
}

/** Clients interested in the account since `since` (a status change notifies them). */
export async function clientsInterestedIn(
  db: Kysely<Database>,
  account: string,
  since: Date,
): Promise<string[]> {
  const rows = await db
    .selectFrom('exchange_interest')
    .select('client_id')
    .where('account', '=', account)
    .where('looked_up_at', '>=', since.toISOString())
    .execute();
  return rows.map((row) => row.client_id);
}

/** Deletes up to `limit` rows older than `before`; housekeeping calls it until it returns less. */
export async function purgeInterestBefore(
  db: Kysely<Database>,
  before: Date,
  limit: number,
): Promise<number> {
  const result = await db
    .deleteFrom('exchange_interest')
    .where(
      sql<boolean>`(account, client_id) in (${db
        .selectFrom('exchange_interest')
        .select(['account', 'client_id'])
        .where('looked_up_at', '<', before.toISOString())
        .limit(limit)})`,
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
