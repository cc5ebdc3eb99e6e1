// Every exchange lookup and match is logged for regulators, without putting a database
// write on the request path: entries go to a buffer that is written in batches (when it
// fills, on a timer run by the runtime, and on shutdown). A crash loses at most the
// entries buffered since the last flush; a clean shutdown loses none. On Node with SQLite
// the writing happens on a thread of its own (src/runtime/queryLogThread.ts): a 1,000-row
// write costs tens of milliseconds of CPU that would otherwise stall every request.

import type { Kysely } from 'kysely';
import { newTimeOrderedId } from '../crypto/tokens.js';
import type { Database, QueryLogRow } from '../store/database.js';

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
  /** Entries recorded and not yet written. */
  readonly pending: number;
  /** Flushes, then releases what the writer holds (a thread, a connection). */
  close(): Promise<void>;
}

export interface QueryLogOptions {
  /** A flush starts by itself once this many entries are buffered. */
  maxBuffered: number;
  /** A write failed (the entries stay buffered for the next flush). */
  onError: (error: unknown) => void;
  /** A write succeeded after one or more had failed. */
  onRecovered?: () => void;
}

export function toQueryLogRow(entry: QueryLogEntry): QueryLogRow {
  return {
    id: newTimeOrderedId(entry.at.getTime()),
    client_id: entry.clientId,
    kind: entry.kind,
    account: entry.account,
    result: entry.result,
    at: entry.at.toISOString(),
  };
}

const INSERT_CHUNK = 200;

/** A write that committed its first `committed` rows and failed on the rest. */
export class PartialWriteError extends Error {
  constructor(
    message: string,
    readonly committed: number,
  ) {
    super(message);
  }
}

/**
 * Writes rows in one transaction: all of them or none. Not a unit of work: the rows join no
 * audit chain and the write reads nothing, so it needs atomicity but not the write lock
 * (on PostgreSQL a flush would otherwise queue behind every link and hold links up).
 */
export async function writeQueryLogRows(db: Kysely<Database>, rows: QueryLogRow[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('query_log')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .execute();
    }
  });
}

/** Buffers rows and writes them through `write` one flush at a time, retrying what failed. */
export class BufferedQueryLog implements QueryLogWriter {
  private buffer: QueryLogRow[] = [];
  private flushing: Promise<void> = Promise.resolve();
  /** A flush started because the buffer filled and not finished yet. */
  private filledFlush = false;
  private lastWriteFailed = false;
  private readonly write: (rows: QueryLogRow[]) => Promise<void>;

  constructor(
    target: Kysely<Database> | ((rows: QueryLogRow[]) => Promise<void>),
    private readonly options: QueryLogOptions = { maxBuffered: 1000, onError: () => {} },
    private readonly release: () => Promise<void> = async () => {},
  ) {
    this.write = typeof target === 'function' ? target : (rows) => writeQueryLogRows(target, rows);
  }

  record(entries: QueryLogEntry[]): void {
    for (const entry of entries) this.buffer.push(toQueryLogRow(entry));
    this.flushIfFull();
  }

  /**
   * One flush at a time for a full buffer: while it runs, entries gather for the next one
   * (started when it ends, if the buffer filled again) instead of each request queueing a
   * flush of its own.
   */
  private flushIfFull(): void {
    if (this.buffer.length < this.options.maxBuffered || this.filledFlush) return;
    this.filledFlush = true;
    void this.flush().finally(() => {
      this.filledFlush = false;
      // After a failure the timer's flush retries; retrying here would spin while the
      // database is away.
      if (!this.lastWriteFailed) this.flushIfFull();
    });
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
        await this.write(rows);
        if (this.lastWriteFailed) this.options.onRecovered?.();
        this.lastWriteFailed = false;
      } catch (error) {
        this.lastWriteFailed = true;
        // Put back what was not written: the next flush tries again.
        const written = error instanceof PartialWriteError ? error.committed : 0;
        this.buffer = rows.slice(written).concat(this.buffer);
        this.options.onError(error);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.release();
  }
}
