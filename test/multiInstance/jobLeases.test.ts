// Background jobs on two instances of one database: one instance at a time runs each
// leased job; the other takes it over when the holder stops (it releases the lease) or
// dies (its lease runs out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { type BackgroundWork, LEASED_JOBS, startBackgroundWork } from '../../src/runtime/backgroundWork.js';
import { claimJobLease } from '../../src/store/repositories/jobLeases.js';
import type { TestServer } from '../helpers/server.js';
import { type InstancePair, startInstancePair, within } from './instances.js';

const INTERVAL_MS = 100;

let pair: InstancePair;
beforeAll(async () => {
  pair = await startInstancePair();
});
afterAll(() => pair?.close());

const leaseOf = (job: string) =>
  pair.a.assembled.db.selectFrom('job_leases').selectAll().where('job', '=', job).executeTakeFirst();

function work(server: TestServer, instanceId: string): BackgroundWork {
  return startBackgroundWork(server.assembled.services, {
    logger: silentLogger,
    instanceId,
    intervalMs: 1000,
    housekeepingIntervalMs: INTERVAL_MS,
  });
}

describe('leased background jobs', () => {
  it('grant a job to one of many claimants at once, renew it for its holder only', async () => {
    const { db } = pair.a.assembled.services;
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        claimJobLease(
          i % 2 === 0 ? pair.a.assembled.db : pair.b.assembled.db,
          'race',
          `holder-${i}`,
          now,
          until,
        ),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const holder = `holder-${claims.indexOf(true)}`;
    expect(await claimJobLease(db, 'race', holder, now, until)).toBe(true);
    expect(await claimJobLease(db, 'race', 'someone-else', now, until)).toBe(false);
    // Once it has run out, anyone may take it.
    expect(await claimJobLease(db, 'race', 'someone-else', new Date(until.getTime() + 1), until)).toBe(true);
  });

  it('run housekeeping on one instance, and on the other once the first stops', async () => {
    const a = work(pair.a, 'instance-a');
    const b = work(pair.b, 'instance-b');
    let stopped: BackgroundWork | undefined;
    try {
      await within(5000, async () => (await leaseOf(LEASED_JOBS.housekeeping)) !== undefined);
      const first = (await leaseOf(LEASED_JOBS.housekeeping))!.holder;
      // Ten intervals on: the same holder, its lease renewed, never taken by the other.
      const samples = new Set<string>();
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
        const lease = (await leaseOf(LEASED_JOBS.housekeeping))!;
        samples.add(lease.holder);
        expect(lease.until > new Date().toISOString()).toBe(true);
      }
      expect([...samples]).toEqual([first]);

      stopped = first === 'instance-a' ? a : b;
      await stopped.stop();
      // Released at stop (not left to run out): gone, or already the other's.
      expect((await leaseOf(LEASED_JOBS.housekeeping))?.holder).not.toBe(first);
      const other = first === 'instance-a' ? 'instance-b' : 'instance-a';
      await within(2000, async () => (await leaseOf(LEASED_JOBS.housekeeping))?.holder === other);
    } finally {
      await Promise.all([a, b].filter((w) => w !== stopped).map((w) => w.stop()));
    }
  });

  it('take a job over from a holder that died once its lease has run out', async () => {
    const { db } = pair.a.assembled.services;
    await db.deleteFrom('job_leases').execute();
    const leaseMs = 1000;
    const diedAt = Date.now();
    expect(
      await claimJobLease(db, LEASED_JOBS.housekeeping, 'died', new Date(diedAt), new Date(diedAt + leaseMs)),
    ).toBe(true);
    const a = work(pair.a, 'instance-a');
    try {
      await within(5000, async () => (await leaseOf(LEASED_JOBS.housekeeping))?.holder === 'instance-a');
      expect(Date.now() - diedAt).toBeGreaterThanOrEqual(leaseMs);
    } finally {
      await a.stop();
    }
  });
});
