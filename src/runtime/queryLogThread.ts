// Writes the query log on a worker thread with its own SQLite connection. better-sqlite3
// is synchronous, so on the main thread a 1,000-row write (40–80 ms: every row also lands
// at a random place in the account index) would stall every request meanwhile; on a
// thread it runs on the other core. The buffering and retry rules stay those of
// BufferedQueryLog: a batch the thread did not confirm goes back into the buffer.
import type { Worker } from 'node:worker_threads';
import { BufferedQueryLog, type QueryLogOptions } from '../services/queryLog.js';
import type { QueryLogRow } from '../store/database.js';
import { startWorker } from './startWorker.js';

type Answer = { id: number; ok: true } | { id: number; ok: false; error: string };

export function threadedQueryLog(filename: string, options: QueryLogOptions): BufferedQueryLog {
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
    started.on('message', (answer: Answer) => {
      const waiter = waiting.get(answer.id);
      waiting.delete(answer.id);
      if (waiting.size === 0) started.unref();
      if (answer.ok) waiter?.resolve();
      else waiter?.reject(new Error(answer.error));
    });
    started.on('error', (error: unknown) =>
      failAll(error instanceof Error ? error : new Error(String(error))),
    );
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      failAll(new Error(`The query-log thread exited (code ${code})`));
    });
    return started;
  };

  const write = (rows: QueryLogRow[]) =>
    new Promise<void>((resolve, reject) => {
      worker ??= start();
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      // Alive while a batch is out; a thread with nothing to do must not keep the process
      // alive (close() flushes first).
      worker.ref();
      worker.postMessage({ id, rows });
    });

  return new BufferedQueryLog(write, options, async () => {
    const running = worker;
    worker = undefined;
    await running?.terminate();
  });
}
