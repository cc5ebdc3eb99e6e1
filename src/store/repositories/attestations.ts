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
 * Compare-and-set on the status of one attestation, or of every attestation of a binding:
 * rows whose status is in `from` get `to`. Returns the status lists touched (to be
 * republished), one entry per changed row.
 */
export async function setAttestationStatus(
  db: Kysely<Database>,
  p: ({ bindingId: string } | { id: string }) & { from: string[]; to: string },
): Promise<string[]> {
  let query = db.updateTable('attestations').set({ status: p.to }).where('status', 'in', p.from);
  query = 'id' in p ? query.where('id', '=', p.id) : query.where('binding_id', '=', p.bindingId);
  const rows = await query.returning('status_list_id').execute();
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
