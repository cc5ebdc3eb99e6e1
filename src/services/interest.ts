// Where an exchange's interest in accounts is written (see lookups.ts and
// statusNotifications.ts): before a lookup is answered, so the write is on the request
// path and must not stall other requests. On PostgreSQL (and SQLite in memory) it is a
// statement on the service's own connection pool; on an SQLite file it is made by the
// writer thread (runtime/queryLogThread.ts), because better-sqlite3 waits for the file's
// write lock synchronously, which on the main thread would stop every request meanwhile.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { recordInterest } from '../store/repositories/interest.js';

export interface InterestWriter {
  /** Records (or moves forward) the client's interest in the accounts; resolves once written. */
  record(clientId: string, accounts: string[], at: Date): Promise<void>;
}

export function directInterestWriter(db: Kysely<Database>): InterestWriter {
  return { record: (clientId, accounts, at) => recordInterest(db, clientId, accounts, at) };
}
