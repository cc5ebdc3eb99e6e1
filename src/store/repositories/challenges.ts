import type { Kysely } from 'kysely';
import type { ChallengeRow, Database } from '../database.js';

export async function insertChallenge(
  db: Kysely<Database>,
  row: { id: string; purpose: string; binding: string; payload: string; expiresAt: Date; createdAt: Date },
): Promise<void> {
  await db
    .insertInto('challenges')
    .values({
      id: row.id,
      purpose: row.purpose,
      binding: row.binding,
      payload: row.payload,
      expires_at: row.expiresAt.toISOString(),
      created_at: row.createdAt.toISOString(),
    })
    .execute();
}

/**
 * Deletes and returns the challenge in one statement, so two concurrent uses cannot both
 * succeed. An expired row is deleted too but not returned.
 */
export async function takeChallenge(
  db: Kysely<Database>,
  where: { id: string; purpose: string; binding: string },
  now: Date,
): Promise<ChallengeRow | undefined> {
  const row = await db
    .deleteFrom('challenges')
    .where('id', '=', where.id)
    .where('purpose', '=', where.purpose)
    .where('binding', '=', where.binding)
    .returningAll()
    .executeTakeFirst();
  if (!row || row.expires_at <= now.toISOString()) return undefined;
  return row;
}

export async function purgeExpiredChallenges(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('challenges')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
