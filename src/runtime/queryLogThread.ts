// The writer thread of an SQLite file: the query log and exchange interest are written
// on a worker thread with its own connection. better-sqlite3 is synchronous, so on the
// main thread a 1,000-row query-log write (40–80 ms: every row also lands at a random
// place in the account index) would stall every request meanwhile, and so would waiting
// for the file's write lock (held by any other writer) before an interest write — which
// a lookup makes before it is answered. On the thread both run on the other core.
// The buffering and retry rules stay those of BufferedQueryLog: rows the thread did not
// confirm go back into the buffer.
import type { Worker } from 'node:worker_threads';
import {
  DatabaseUnavailableError,
  type StorageFaultError,
  StorageFullError,
  StorageReadOnlyError,
} from '../domain/errors.js';
import type { InterestWriter } from '../services/interest.js';
import { BufferedQueryLog, PartialWriteError, type QueryLogOptions } from '../services/queryLog.js';
import type { QueryLogRow } from '../store/database.js';
import { startWorker } from './startWorker.js';

export type WriterJob =
  | { kind: 'log'; id: number; rows: QueryLogRow[] }
  | { kind: 'interest'; id: number; clientId: string; accounts: string[]; at: string };

export type WriterAnswer =
  | { id: number; ok: true }
  | { id: number; ok: false; error: string; fault?: string; committed: number };

/** A storage fault on the thread arrives as its problem type, so the request answers 503. */
function faultFrom(slug: string | undefined, message: string): StorageFaultError | undefined {
  if (slug === 'storage-full') return new StorageFullError(message);
  if (slug === 'storage-read-only') return new StorageReadOnlyError(message);
  if (slug === 'database-unavailable') return new DatabaseUnavailableError(message);
  return undefined;
}

export interface WriterThread {
  queryLog: BufferedQueryLog;
  interest: InterestWriter;
}

export function writerThread(filename: string, options: QueryLogOptions): WriterThread {
  let worker: Worker | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  const start = () => {
    const started = startWorker(import.meta.url, 'queryLogWorker', {
      workerData: { filename },
      execArgv: [],
      // The thread holds at most one batch; a small heap keeps the process's memory flat.
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
    });
    started.on('message', (answer: WriterAnswer) => {
      const waiter = waiting.get(answer.id);
      waiting.delete(answer.id);
      if (waiting.size === 0) started.unref();
      if (answer.ok) waiter?.resolve();
      // Rows already committed must not be written again (their IDs would collide).
      else
        waiter?.reject(
          answer.committed > 0
            ? new PartialWriteError(answer.error, answer.committed)
            : (faultFrom(answer.fault, answer.error) ?? new Error(answer.error)),
        );
    });
    started.on('error', (error: unknown) =>
      failAll(
        new DatabaseUnavailableError(
          `The writer thread failed: ${error instanceof Error ? error.message : error}`,
        ),
      ),
    );
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      failAll(new DatabaseUnavailableError(`The writer thread exited (code ${code})`));
    });
    return started;
  };

  const send = (job: WriterJob) =>
    new Promise<void>((resolve, reject) => {
      worker ??= start();
      waiting.set(job.id, { resolve, reject });
      // Alive while a job is out; a thread with nothing to do must not keep the process
      // alive (close() flushes first).
      worker.ref();
      worker.postMessage(job);
    });

  const queryLog = new BufferedQueryLog(
    (rows) => send({ kind: 'log', id: nextId++, rows }),
    options,
    async () => {
      const running = worker;
      worker = undefined;
      await running?.terminate();
    },
  );
  const interest: InterestWriter = {
    record: (clientId, accounts, at) =>
      send({ kind: 'interest', id: nextId++, clientId, accounts, at: at.toISOString() }),
  };
  return { queryLog, interest };
}
