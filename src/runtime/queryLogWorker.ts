// The writer thread: its own SQLite connection, writing query-log batches and exchange
// interest for the service (see queryLogThread.ts). Interest is waited for by a lookup
// that has not been answered yet, so it goes first, all that is waiting in one
// transaction; a query-log batch is written in
// chunks, each its own transaction, with the thread looking for interest to write
// between chunks, so no interest write waits for a whole 1,000-row batch and the file's
// write lock is never held for long by this thread.
import { parentPort, workerData } from 'node:worker_threads';
import { StorageFaultError } from '../domain/errors.js';
import { writeQueryLogRows } from '../services/queryLog.js';
import type { QueryLogRow } from '../store/database.js';
import { recordInterest } from '../store/repositories/interest.js';
import { openSqlite } from '../store/sqlite.js';
import type { WriterAnswer, WriterJob } from './queryLogThread.js';

const CHUNK = 200;
const db = openSqlite((workerData as { filename: string }).filename);

const interestJobs: Extract<WriterJob, { kind: 'interest' }>[] = [];
const logJobs: { id: number; rows: QueryLogRow[]; written: number }[] = [];
let running = false;

function failure(id: number, error: unknown, committed = 0): WriterAnswer {
  return {
    id,
    ok: false,
    error: error instanceof Error ? error.message : String(error),
    ...(error instanceof StorageFaultError ? { fault: error.slug } : {}),
    committed,
  };
}

async function drain(): Promise<void> {
  running = true;
  try {
    while (interestJobs.length > 0 || logJobs.length > 0) {
      if (interestJobs.length > 0) {
        // Everything waiting goes in one transaction: one commit for many lookups.
        const batch = interestJobs.splice(0);
        try {
          await db.transaction().execute(async (trx) => {
            for (const job of batch) await recordInterest(trx, job.clientId, job.accounts, new Date(job.at));
          });
          for (const job of batch) parentPort!.postMessage({ id: job.id, ok: true } satisfies WriterAnswer);
        } catch (error) {
          for (const job of batch) parentPort!.postMessage(failure(job.id, error));
        }
      } else {
        const job = logJobs[0]!;
        try {
          await writeQueryLogRows(db, job.rows.slice(job.written, job.written + CHUNK));
          job.written = Math.min(job.rows.length, job.written + CHUNK);
          if (job.written === job.rows.length) {
            logJobs.shift();
            parentPort!.postMessage({ id: job.id, ok: true } satisfies WriterAnswer);
          }
        } catch (error) {
          logJobs.shift();
          parentPort!.postMessage(failure(job.id, error, job.written));
        }
      }
      // Lets messages that arrived meanwhile in (better-sqlite3 runs synchronously).
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    running = false;
  }
}

parentPort!.on('message', (job: WriterJob) => {
  if (job.kind === 'interest') interestJobs.push(job);
  else logJobs.push({ id: job.id, rows: job.rows, written: 0 });
  if (!running) void drain();
});
