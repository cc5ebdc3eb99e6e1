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
/**
 * The latest expiry of the tokens each of these keys signed. One `max` per key: each is a
 * single seek at the end of the key's range in `attestations_kid_expiry`, where a GROUP BY
 * would read the whole index (every attestation) on each fetch of the public JWKS.
 */
export async function latestExpiryByKid(db: Kysely<Database>, kids: string[]): Promise<Map<string, string>> {
  const latest = new Map<string, string>();
  for (const kid of new Set(kids)) {
    const row = await db
      .selectFrom('attestations')
      .select((eb) => eb.fn.max('expires_at').as('latest'))
      .where('kid', '=', kid)
      .executeTakeFirst();
    if (row?.latest) latest.set(kid, String(row.latest));
  }
  return latest;
}
