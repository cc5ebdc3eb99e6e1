// Leases on outbox rows (webhook deliveries, chain publications, eGov Mobile signings): a
// worker takes a pending row for a while so that no other worker, in this instance or
// another, works on it at the same time; an expired lease (a worker that died) can be
// taken again.
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

export type LeasedTable = 'webhook_deliveries' | 'chain_publications' | 'egov_signings';

/** Takes a lease on a row in `status` (pending) until `until`; false when another worker holds one. */
export async function leaseRow(
  db: Kysely<Database>,
  table: LeasedTable,
  id: string,
  now: Date,
  until: Date,
  status = 'pending',
): Promise<boolean> {
  const at = now.toISOString();
  const result = await (db as Kysely<Pick<Database, 'webhook_deliveries'>>)
    .updateTable(table as 'webhook_deliveries')
    .set({ locked_until: until.toISOString() })
    .where('id', '=', id)
    .where('status', '=', status)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
