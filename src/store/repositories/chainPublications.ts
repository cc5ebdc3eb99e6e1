import { type Kysely, sql } from 'kysely';
import type { ChainAttestationRow, ChainPublicationRow, Database } from '../database.js';
import { leaseRow } from './leases.js';

export async function insertChainPublications(
  db: Kysely<Database>,
  rows: ChainPublicationRow[],
): Promise<void> {
  if (rows.length > 0) await db.insertInto('chain_publications').values(rows).execute();
}

/**
 * Due publications not leased by a live publisher, oldest due first, through the partial
 * index `chain_publications_due` (the literal `'pending'` is what lets both backends use it).
 */
export function dueChainPublications(
  db: Kysely<Database>,
  now: Date,
  limit: number,
): Promise<ChainPublicationRow[]> {
  const at = now.toISOString();
  return db
    .selectFrom('chain_publications')
    .selectAll()
    .where('status', '=', sql.lit('pending'))
    .where('next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
    .orderBy('next_attempt_at', 'asc')
    .limit(limit)
    .execute();
}

/** Takes a lease on a publication; false when another worker holds it. */
export function leaseChainPublication(
  db: Kysely<Database>,
  id: string,
  now: Date,
  until: Date,
): Promise<boolean> {
  return leaseRow(db, 'chain_publications', id, now, until);
}

export async function settleChainPublication(
  db: Kysely<Database>,
  id: string,
  outcome: Pick<
    ChainPublicationRow,
    'status' | 'attempts' | 'next_attempt_at' | 'published_at' | 'last_error'
  >,
): Promise<void> {
  await db
    .updateTable('chain_publications')
    .set({ ...outcome, locked_until: null })
    .where('id', '=', id)
    .execute();
}

export function chainAttestationsOf(
  db: Kysely<Database>,
  attestationIds: string[],
): Promise<ChainAttestationRow[]> {
  if (attestationIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('chain_attestations')
    .selectAll()
    .where('attestation_id', 'in', attestationIds)
    .execute();
}

/** Records what is on the chain for an attestation (its UID, the status last written). */
export async function saveChainAttestation(db: Kysely<Database>, row: ChainAttestationRow): Promise<void> {
  await db
    .insertInto('chain_attestations')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('attestation_id')
        .doUpdateSet({ status: row.status, updated_at: row.updated_at, uid: row.uid }),
    )
    .execute();
}
