// Reads for exchange lookups: many accounts at once, in a fixed number of queries.
import type { Kysely } from 'kysely';
import type { AttestationRow, BindingRow, Database, IdentityRow } from '../database.js';

/** Every binding of the given accounts (any status), newest first. */
export function bindingsOfAccounts(db: Kysely<Database>, accounts: string[]): Promise<BindingRow[]> {
  if (accounts.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('bindings')
    .selectAll()
    .where('account', 'in', accounts)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * The newest attestation of each binding. Chosen here rather than by ORDER BY: sorting a
 * batch's rows, which carry their tokens (~3 KB each), takes SQLite a temporary B-tree
 * and was half the time of this query for 1,000 bindings.
 */
export async function newestAttestations(
  db: Kysely<Database>,
  bindingIds: string[],
): Promise<AttestationRow[]> {
  if (bindingIds.length === 0) return [];
  const rows = await db
    .selectFrom('attestations')
    .selectAll()
    .where('binding_id', 'in', bindingIds)
    .execute();
  const newest = new Map<string, AttestationRow>();
  for (const row of rows) {
    const seen = newest.get(row.binding_id);
    if (!seen || row.issued_at > seen.issued_at || (row.issued_at === seen.issued_at && row.id > seen.id)) {
      newest.set(row.binding_id, row);
    }
  }
  return [...newest.values()];
}

export function identitiesByIds(
  db: Kysely<Database>,
  ids: string[],
): Promise<Pick<IdentityRow, 'id' | 'country' | 'level' | 'national_id_hash'>[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('identities')
    .select(['id', 'country', 'level', 'national_id_hash'])
    .where('id', 'in', ids)
    .execute();
}
