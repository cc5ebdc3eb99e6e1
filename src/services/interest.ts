// Where an exchange's interest in accounts is written (see lookups.ts and
// statusNotifications.ts): before a lookup is answered, so the write is on the request
// path and must not stall other requests. On PostgreSQL (and SQLite in memory) it is a
// statement on the service's own connection pool; on an SQLite file it is made by the
// writer thread (runtime/queryLogThread.ts), because better-sqlite3 waits for the file's
// write lock synchronously, which on the main thread would stop every request meanwhile.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { recordInterest } from '../store/repositories/interest.js';

/**
 * An (account, client) pair is written at most once per this step per instance, and a
 * status change counts interest this much older than the window as current
 * (statusNotifications.ts), so the refresh step never shortens the window.
 */
export const INTEREST_REFRESH_MS = 3_600_000;

export interface InterestWriter {
  /** Records (or moves forward) the client's interest in the accounts; resolves once written. */
  record(clientId: string, accounts: string[], at: Date): Promise<void>;
}

export function directInterestWriter(db: Kysely<Database>): InterestWriter {
  return { record: (clientId, accounts, at) => recordInterest(db, clientId, accounts, at) };
}

/**
 * Remembers, in this process, the pairs it recorded within the refresh step, so an
 * exchange that looks the same accounts up again and again costs neither a read nor a
 * write. Safe across instances: interest only ever moves forward, and no row younger
 * than the window is removed. Bounded: the oldest remembered pairs are forgotten first
 * (and then simply written again).
 */
export function rememberingInterestWriter(inner: InterestWriter, maxEntries = 50_000): InterestWriter {
  const recorded = new Map<string, number>();
  const keyOf = (clientId: string, account: string) => `${clientId}\u0000${account}`;
  return {
    async record(clientId, accounts, at) {
      const now = at.getTime();
      const stale = accounts.filter((account) => {
        const when = recorded.get(keyOf(clientId, account));
        return when === undefined || when > now || now - when >= INTEREST_REFRESH_MS;
      });
      if (stale.length === 0) return;
      await inner.record(clientId, stale, at);
      for (const account of stale) {
        const key = keyOf(clientId, account);
        recorded.delete(key);
        recorded.set(key, now);
      }
      for (const key of recorded.keys()) {
        if (recorded.size <= maxEntries) break;
        recorded.delete(key);
      }
    },
  };
}
