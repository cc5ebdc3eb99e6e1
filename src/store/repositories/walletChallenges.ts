import type { Kysely } from 'kysely';
import type { Database, WalletChallengeRow } from '../database.js';

export async function insertWalletChallenge(db: Kysely<Database>, row: WalletChallengeRow): Promise<void> {
  await db.insertInto('wallet_challenges').values(row).execute();
}

/**
 * Deletes and returns the challenge in one statement: of two concurrent uses only one gets
 * it. Only the session it was issued to can take it, so nobody else can burn it.
 */
export async function takeWalletChallenge(
  db: Kysely<Database>,
  key: { sessionBinding: string; id: string } | { sessionBinding: string; challengeHash: string },
): Promise<WalletChallengeRow | undefined> {
  let query = db.deleteFrom('wallet_challenges').where('session_binding', '=', key.sessionBinding);
  query =
    'id' in key ? query.where('id', '=', key.id) : query.where('challenge_hash', '=', key.challengeHash);
  return query.returningAll().executeTakeFirst();
}

export async function findWalletChallengeByHash(
  db: Kysely<Database>,
  challengeHash: string,
): Promise<WalletChallengeRow | undefined> {
  return db
    .selectFrom('wallet_challenges')
    .selectAll()
    .where('challenge_hash', '=', challengeHash)
    .executeTakeFirst();
}

export async function purgeExpiredWalletChallenges(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('wallet_challenges')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
