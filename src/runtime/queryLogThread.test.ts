import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { QueryLogEntry } from '../services/queryLog.js';
import { migrateToLatest } from '../store/migrate.js';
import { openSqlite } from '../store/sqlite.js';
import { writerThread } from './queryLogThread.js';

const dir = mkdtempSync(join(tmpdir(), 'wallet-attest-querylog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entries = (n: number, clientId: string): QueryLogEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    clientId,
    kind: 'batch',
    account: `eip155:1:0x${i.toString(16).padStart(40, '0')}`,
    result: 'none',
    at: new Date(),
  }));

describe('threadedQueryLog', () => {
  it('writes every recorded entry through its own thread, and keeps what a failed write held', async () => {
    const filename = join(dir, 'log.db');
    const db = openSqlite(filename);
    await migrateToLatest(db);
    const errors: unknown[] = [];
    const { queryLog: log } = writerThread(filename, {
      maxBuffered: 1000,
      onError: (error) => errors.push(error),
    });
    const count = async (clientId: string) =>
      Number(
        (
          await db
            .selectFrom('query_log')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('client_id', '=', clientId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    try {
      log.record(entries(2500, 'a'));
      await log.flush();
      expect(log.pending).toBe(0);
      expect(await count('a')).toBe(2500);

      // The table goes away (a broken disk, a bad migration): the write fails on the thread,
      // the entries go back into the buffer, and the next flush after recovery writes them.
      await sql`alter table query_log rename to query_log_away`.execute(db);
      log.record(entries(10, 'b'));
      await log.flush();
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toMatch(/query_log/);
      expect(log.pending).toBe(10);
      await sql`alter table query_log_away rename to query_log`.execute(db);
      await log.flush();
      expect(log.pending).toBe(0);
      expect(await count('b')).toBe(10);
    } finally {
      await log.close();
      await db.destroy();
    }
  });

  it('flushes on close', async () => {
    const filename = join(dir, 'close.db');
    const db = openSqlite(filename);
    await migrateToLatest(db);
    const { queryLog: log } = writerThread(filename, { maxBuffered: 1000, onError: () => {} });
    log.record(entries(3, 'c'));
    expect(log.pending).toBe(3);
    await log.close();
    expect(await db.selectFrom('query_log').selectAll().execute()).toHaveLength(3);
    await db.destroy();
  });

  it('writes interest on the thread, while another connection holds the write lock, without stopping the event loop', async () => {
    const filename = join(dir, 'interest.db');
    const db = openSqlite(filename);
    await migrateToLatest(db);
    const { queryLog, interest } = writerThread(filename, { maxBuffered: 1000, onError: () => {} });
    const holder = new SQLite(filename);
    holder.pragma('busy_timeout = 5000');
    try {
      // Another writer holds the file's write lock for 300 ms.
      holder.exec('begin immediate');
      const released = new Promise<void>((resolve) =>
        setTimeout(() => {
          holder.exec('commit');
          resolve();
        }, 300),
      );
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      const started = Date.now();
      await interest.record('client-a', ['eip155:1:0x00000000000000000000000000000000000000a1'], new Date());
      const waited = Date.now() - started;
      clearInterval(ticker);
      await released;
      // It waited for the lock on the thread; the event loop kept running meanwhile.
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(await db.selectFrom('exchange_interest').selectAll().execute()).toMatchObject([
        { client_id: 'client-a', account: 'eip155:1:0x00000000000000000000000000000000000000a1' },
      ]);
    } finally {
      holder.close();
      await queryLog.close();
      await db.destroy();
    }
  });
});
