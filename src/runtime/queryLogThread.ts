// Writes the query log on a worker thread with its own SQLite connection. better-sqlite3
// is synchronous, so on the main thread a 1,000-row write (40–80 ms: every row also lands
// at a random place in the account index) would stall every request meanwhile; on a
// thread it runs on the other core. The buffering and retry rules stay those of
// BufferedQueryLog: a batch the thread did not confirm goes back into the buffer.
import { Worker } from 'node:worker_threads';
import { BufferedQueryLog, type QueryLogOptions } from '../services/queryLog.js';
import type { QueryLogRow } from '../store/database.js';

type Answer = { id: number; ok: true } | { id: number; ok: false; error: string };

export function threadedQueryLog(filename: string, options: QueryLogOptions): BufferedQueryLog {
  // Under a TypeScript loader (tests, the CLI) this file is .ts and so is the worker's.
  const typescript = import.meta.url.endsWith('.ts');
  const workerUrl = new URL(`./queryLogWorker.${typescript ? 'ts' : 'js'}`, import.meta.url);
  let worker: Worker | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  const start = () => {
    // A worker does not inherit the parent's TypeScript loader; register tsx's in it first.
    const started = new Worker(
      typescript
        ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); })`
        : workerUrl,
      {
        eval: typescript,
        workerData: { filename },
        execArgv: [],
        // The thread holds at most one batch; a small heap keeps the process's memory flat.
        resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
      },
    );
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
