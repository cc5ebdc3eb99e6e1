// The query-log thread: its own SQLite connection, writing the batches the service posts
// (see queryLogThread.ts). One batch at a time: the service waits for each answer.
import { parentPort, workerData } from 'node:worker_threads';
import { writeQueryLogRows } from '../services/queryLog.js';
import type { QueryLogRow } from '../store/database.js';
import { openSqlite } from '../store/sqlite.js';

const db = openSqlite((workerData as { filename: string }).filename);

parentPort!.on('message', async (message: { id: number; rows: QueryLogRow[] }) => {
  try {
    await writeQueryLogRows(db, message.rows);
    parentPort!.postMessage({ id: message.id, ok: true });
  } catch (error) {
    parentPort!.postMessage({
      id: message.id,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    });
  }
});
