import type { Kysely } from 'kysely';
import type { AttestationRow, Database } from '../database.js';

export async function insertAttestation(db: Kysely<Database>, row: AttestationRow): Promise<void> {
  await db.insertInto('attestations').values(row).execute();
}

export async function findAttestation(db: Kysely<Database>, id: string): Promise<AttestationRow | undefined> {
  return db.selectFrom('attestations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAttestationsOfBindings(
  db: Kysely<Database>,
  bindingIds: string[],
): Promise<AttestationRow[]> {
  if (bindingIds.length === 0) return [];
  return db
    .selectFrom('attestations')
    .selectAll()
    .where('binding_id', 'in', bindingIds)
    .orderBy('issued_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/**
 * Sets the status of every attestation of a binding that is in one of `from`, and returns
 * the status lists touched (to be republished).
 */
export async function setAttestationStatusOfBinding(
  db: Kysely<Database>,
  p: { bindingId: string; from: string[]; to: string },
): Promise<string[]> {
  const rows = await db
    .updateTable('attestations')
    .set({ status: p.to })
    .where('binding_id', '=', p.bindingId)
    .where('status', 'in', p.from)
    .returning('status_list_id')
    .execute();
  return rows.map((row) => row.status_list_id);
}

/** For each signing key, the latest expiry among the tokens it signed. */
export async function latestExpiryByKid(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('attestations')
    .select((eb) => ['kid', eb.fn.max('expires_at').as('latest')])
    .groupBy('kid')
    .execute();
  return new Map(rows.map((row) => [row.kid, String(row.latest)]));
}

/** Compare-and-set on one attestation's status; returns its list when it changed. */
export async function setAttestationStatus(
  db: Kysely<Database>,
  p: { id: string; from: string[]; to: string },
): Promise<string | undefined> {
  const row = await db
    .updateTable('attestations')
    .set({ status: p.to })
    .where('id', '=', p.id)
    .where('status', 'in', p.from)
    .returning('status_list_id')
    .executeTakeFirst();
  return row?.status_list_id;
}
