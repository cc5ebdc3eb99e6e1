// Notices to the other instances that something they may hold in memory has changed (an
// API client revoked): on PostgreSQL a NOTIFY on one channel, sent in the change's own
// transaction, so it reaches the listeners when the change commits and never when it
// rolls back. SQLite serves one instance, which updates its own memory directly.
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from '../database.js';

export const CHANGE_CHANNEL = 'wallet_attest_changes';

export type ChangeNotice = { kind: 'api_client'; keyPrefix: string };

export async function announceChange(trx: Kysely<Database>, notice: ChangeNotice): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`select pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify(notice)})`.execute(trx);
}

/** A notice as received; undefined for a payload this version does not know. */
export function parseChangeNotice(payload: string | undefined): ChangeNotice | undefined {
  try {
    const notice = JSON.parse(payload ?? '') as Partial<ChangeNotice>;
    if (notice.kind === 'api_client' && typeof notice.keyPrefix === 'string') {
      return { kind: 'api_client', keyPrefix: notice.keyPrefix };
    }
  } catch {
    // not a notice of ours
  }
  return undefined;
}
