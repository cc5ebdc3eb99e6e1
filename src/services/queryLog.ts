// Every exchange lookup and match is logged for regulators, without putting a database
// write on the request path: entries go to a buffer that is written in batches (when it
// fills, on a timer run by the runtime, and on shutdown). A crash loses at most the
// entries buffered since the last flush; a clean shutdown loses none.

import type { Kysely } from 'kysely';
import { newId } from '../crypto/tokens.js';
import type { Database, QueryLogRow } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';

export type QueryKind = 'lookup' | 'batch' | 'match';

export interface QueryLogEntry {
  clientId: string;
  kind: QueryKind;
  account: string;
  result: string;
  at: Date;
}

export interface QueryLogWriter {
  record(entries: QueryLogEntry[]): void;
  /** Writes everything buffered so far. */
  flush(): Promise<void>;
}

const INSERT_CHUNK = 200;

export class BufferedQueryLog implements QueryLogWriter {
  private buffer: QueryLogRow[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { maxBuffered: number; onError: (error: unknown) => void } = {
      maxBuffered: 1000,
      onError: () => {},
    },
  ) {}

  record(entries: QueryLogEntry[]): void {
    for (const entry of entries) {
      this.buffer.push({
        id: newId(),
        client_id: entry.clientId,
        kind: entry.kind,
        account: entry.account,
        result: entry.result,
        at: entry.at.toISOString(),
      });
    }
    if (this.buffer.length >= this.options.maxBuffered) void this.flush();
  }

  get pending(): number {
    return this.buffer.length;
  }

  flush(): Promise<void> {
    // Flushes run one after another, each taking what was buffered when it started.
    this.flushing = this.flushing.then(async () => {
      const rows = this.buffer;
      if (rows.length === 0) return;
      this.buffer = [];
      try {
        await inTransaction(this.db, async (trx) => {
          for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
            await trx
              .insertInto('query_log')
              .values(rows.slice(i, i + INSERT_CHUNK))
              .execute();
          }
        });
      } catch (error) {
        // Put them back: the next flush tries again.
        this.buffer = rows.concat(this.buffer);
        this.options.onError(error);
      }
    });
    return this.flushing;
  }
}
