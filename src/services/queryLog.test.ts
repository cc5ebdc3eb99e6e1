import { describe, expect, it } from 'vitest';
import type { QueryLogRow } from '../store/database.js';
import { BufferedQueryLog, type QueryLogEntry } from './queryLog.js';

const entry = (i: number): QueryLogEntry => ({
  clientId: 'c',
  kind: 'lookup',
  account: `eip155:1:0x${i.toString(16).padStart(40, '0')}`,
  result: 'none',
  at: new Date(),
});

describe('BufferedQueryLog', () => {
  it('starts one flush when the buffer fills, and gathers what comes meanwhile for the next', async () => {
    const writes: QueryLogRow[][] = [];
    let release!: () => void;
    const log = new BufferedQueryLog(
      async (rows) => {
        writes.push(rows);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      { maxBuffered: 10, onError: () => {} },
    );
    for (let i = 0; i < 10; i++) log.record([entry(i)]);
    await Promise.resolve();
    expect(writes.map((rows) => rows.length)).toEqual([10]);
    // 25 more while the first write is out: no flush per request.
    for (let i = 10; i < 35; i++) log.record([entry(i)]);
    expect(log.pending).toBe(25);
    // When it ends, the buffer is full again, so the next flush starts by itself.
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(writes.map((rows) => rows.length)).toEqual([10, 25]);
    release();
    await log.flush();
    expect(log.pending).toBe(0);
  });

  it('keeps the rows of a failed write for the next flush', async () => {
    let fail = true;
    const written: QueryLogRow[] = [];
    const errors: unknown[] = [];
    let recovered = 0;
    const log = new BufferedQueryLog(
      async (rows) => {
        if (fail) throw new Error('disk I/O error');
        written.push(...rows);
      },
      { maxBuffered: 1000, onError: (error) => errors.push(error), onRecovered: () => recovered++ },
    );
    log.record([entry(1), entry(2)]);
    await log.flush();
    expect(errors).toHaveLength(1);
    // A full buffer whose write fails is not retried in a loop (the timer's flush retries).
    const full = new BufferedQueryLog(
      async () => {
        throw new Error('database is locked');
      },
      { maxBuffered: 2, onError: (error) => errors.push(error) },
    );
    full.record([entry(1), entry(2)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors).toHaveLength(2);
    expect(full.pending).toBe(2);
    expect(log.pending).toBe(2);
    fail = false;
    log.record([entry(3)]);
    await log.flush();
    expect(written.map((row) => row.account)).toEqual([entry(1), entry(2), entry(3)].map((e) => e.account));
    // Recovery is reported once, on the first write that succeeds after failures.
    expect(recovered).toBe(1);
    log.record([entry(4)]);
    await log.flush();
    expect(recovered).toBe(1);
  });
});
