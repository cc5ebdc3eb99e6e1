import type { Kysely } from 'kysely';
import type { Database, StatusListRow } from '../database.js';

/**
 * Hands out the next index of the open list, or opens a new list when it is full. The
 * guarded increment makes concurrent allocations get distinct indices; indices are never
 * handed out twice, even after the attestation holding one expires.
 */
export async function allocateStatusEntry(
  db: Kysely<Database>,
  p: { newListId: () => string; size: number; bits: number; now: Date },
): Promise<{ listId: string; index: number }> {
  const open = await db
    .selectFrom('status_lists')
    .select('id')
    .whereRef('next_index', '<', 'size')
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .limit(1)
    .executeTakeFirst();
  if (open) {
    const taken = await db
      .updateTable('status_lists')
      .set((eb) => ({ next_index: eb('next_index', '+', 1) }))
      .where('id', '=', open.id)
      .whereRef('next_index', '<', 'size')
      .returning('next_index')
      .executeTakeFirst();
    if (taken) return { listId: open.id, index: Number(taken.next_index) - 1 };
  }
  const listId = p.newListId();
  const at = p.now.toISOString();
  await db
    .insertInto('status_lists')
    .values({
      id: listId,
      bits: p.bits,
      size: p.size,
      next_index: 1,
      version: 0,
      published_version: -1,
      published_token: null,
      published_at: null,
      changed_at: at,
      created_at: at,
    })
    .execute();
  return { listId, index: 0 };
}

/** Records that entries of these lists changed, so their next read republishes them. */
export async function markStatusListsChanged(
  db: Kysely<Database>,
  listIds: string[],
  now: Date,
): Promise<void> {
  if (listIds.length === 0) return;
  await db
    .updateTable('status_lists')
    .set((eb) => ({ version: eb('version', '+', 1), changed_at: now.toISOString() }))
    .where('id', 'in', [...new Set(listIds)])
    .execute();
}

export type StatusListHead = Pick<
  StatusListRow,
  'id' | 'size' | 'version' | 'published_version' | 'published_at'
>;

/**
 * The list's versions and publication time without the token: what every read needs to
 * decide whether the token it already holds is current (a primary-key lookup of a few
 * small columns instead of the whole signed list).
 */
export async function findStatusListHead(
  db: Kysely<Database>,
  id: string,
): Promise<StatusListHead | undefined> {
  return db
    .selectFrom('status_lists')
    .select(['id', 'size', 'version', 'published_version', 'published_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The stored publication (token and what it was signed from). */
export async function findPublishedStatusList(
  db: Kysely<Database>,
  id: string,
): Promise<{ version: number; token: string; at: string } | undefined> {
  const row = await db
    .selectFrom('status_lists')
    .select(['published_version', 'published_token', 'published_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row?.published_token || !row.published_at) return undefined;
  return { version: Number(row.published_version), token: row.published_token, at: row.published_at };
}

/**
 * Entries whose status is not 0 (valid); everything else in the list is 0. Spelled as
 * `IN` rather than `<> 'valid'` so that both dialects range-scan the
 * (status_list_id, status) index over the few non-valid rows instead of reading every
 * entry of the list.
 */
export async function listNonValidEntries(
  db: Kysely<Database>,
  listId: string,
): Promise<{ index: number; status: string }[]> {
  const rows = await db
    .selectFrom('attestations')
    .select(['status_list_index as index', 'status'])
    .where('status_list_id', '=', listId)
    .where('status', 'in', ['invalid', 'suspended'])
    .execute();
  return rows.map((row) => ({ index: Number(row.index), status: row.status }));
}

/**
 * Stores a publication when it is newer than the stored one: a higher version, or the
 * same version signed later (a TTL refresh), or the same version replacing exactly the
 * publication the caller read (`replacing`: a token dated in the caller's future, after
 * the clock went back). So the stored publication only moves forward even when several
 * instances publish at once: of two racing refreshes the later-signed one stays, and a
 * publication computed from an older version never overwrites a newer one. Returns
 * whether it was stored.
 */
export async function savePublishedStatusList(
  db: Kysely<Database>,
  p: { id: string; version: number; token: string; at: Date; replacing: string | null },
): Promise<boolean> {
  const at = p.at.toISOString();
  const result = await db
    .updateTable('status_lists')
    .set({ published_version: p.version, published_token: p.token, published_at: at })
    .where('id', '=', p.id)
    .where((eb) => {
      const sameVersion = [eb('published_at', '<', at)];
      if (p.replacing !== null) sameVersion.push(eb('published_at', '=', p.replacing));
      return eb.or([
        eb('published_version', '<', p.version),
        eb.and([eb('published_version', '=', p.version), eb.or(sameVersion)]),
      ]);
    })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
