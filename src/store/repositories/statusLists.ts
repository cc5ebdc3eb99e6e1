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

export async function findStatusList(db: Kysely<Database>, id: string): Promise<StatusListRow | undefined> {
  return db.selectFrom('status_lists').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Entries whose status is not 0 (valid); everything else in the list is 0. */
export async function listNonValidEntries(
  db: Kysely<Database>,
  listId: string,
): Promise<{ index: number; status: string }[]> {
  const rows = await db
    .selectFrom('attestations')
    .select(['status_list_index as index', 'status'])
    .where('status_list_id', '=', listId)
    .where('status', '<>', 'valid')
    .execute();
  return rows.map((row) => ({ index: Number(row.index), status: row.status }));
}

/** Stores a publication unless a newer one got there first. */
export async function savePublishedStatusList(
  db: Kysely<Database>,
  p: { id: string; version: number; token: string; at: Date },
): Promise<void> {
  await db
    .updateTable('status_lists')
    .set({ published_version: p.version, published_token: p.token, published_at: p.at.toISOString() })
    .where('id', '=', p.id)
    .where('published_version', '<', p.version)
    .execute();
}
