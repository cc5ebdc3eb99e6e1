// The runtime's background work under faults: a receiver that never answers next to a
// healthy one, slow receivers against the pool bound, two instances sharing one receiver,
// and a database that fails and comes back. Receivers are real HTTP servers on loopback
// that check the signature of every request; deliveries come from real status changes of
// accounts the exchanges looked up.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger, LogLevel } from '../../src/observability/logger.js';
import { startBackgroundWork } from '../../src/runtime/backgroundWork.js';
import { changeBinding } from '../../src/services/bindingStatus.js';
import { createPostgresDatabase, postgresRelay } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { api, apiClient, citizenWithAccounts } from './exchangeFlow.js';

const POSTGRES = process.env.TEST_DATABASE === 'postgres';
/** Longer than every bound asserted while the receiver hangs, so each one is tested. */
const TIMEOUT_SECONDS = 4;
const CONCURRENCY = 3;
const actor = { type: 'regulator' as const, id: null };

interface Receiver {
  url: string;
  /** Requests received, in arrival order, with the account each one is about. */
  received: { account: string; verified: boolean; at: number }[];
  /** Requests being answered right now, and the most there ever were at once. */
  open: number;
  maxOpen: number;
  setSecret(secret: string): void;
  close(): Promise<void>;
}

/**
 * An exchange's receiver that checks each signature. `answer` decides what it does with
 * a request: answer at once, answer after a pause, or never (the request stays open until
 * the sender gives up). `pool` counts requests open across several receivers.
 */
async function receiver(
  answer: 'at once' | 'never' | { afterMs: number },
  pool?: { open: number; maxOpen: number },
): Promise<Receiver> {
  let secret = '';
  const state: Receiver = {
    url: '',
    received: [],
    open: 0,
    maxOpen: 0,
    setSecret: (value) => {
      secret = value;
    },
    close: async () => {},
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    state.open++;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    if (pool) {
      pool.open++;
      pool.maxOpen = Math.max(pool.maxOpen, pool.open);
    }
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      state.open--;
      if (pool) pool.open--;
    };
    // Also when the sender gives up on a request never answered and drops the connection.
    response.on('close', end);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['wallet-attest-signature']));
      const expected = createHmac('sha256', secret).update(`${match?.[1]}.${body}`).digest();
      const presented = Buffer.from(match?.[2] ?? '', 'hex');
      const verified = presented.length === expected.length && timingSafeEqual(presented, expected);
      const { data } = JSON.parse(body) as { data: { account: string } };
      state.received.push({ account: data.account, verified, at: Date.now() });
      if (answer === 'never') return;
      const reply = () => {
        response.statusCode = 204;
        response.end(end);
      };
      if (answer === 'at once') reply();
      else setTimeout(reply, answer.afterMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Webhooks created by the running test, deleted after it. */
const created: { server: TestServer; key: string; id: string }[] = [];

/**
 * Deletes the test's webhooks, so what they still have pending is given up unsent rather
 * than sent by a later test's worker, perhaps to a new receiver that got the same port.
 */
async function deleteWebhooks() {
  for (const { server, key, id } of created.splice(0)) {
    expect((await api(server, key).delete(`/v1/webhooks/${id}`)).status).toBe(204);
  }
}

/** An exchange with one webhook pointing at `target`. */
async function exchange(server: TestServer, target: Receiver) {
  const client = await apiClient(server, ['attestations:read', 'webhooks:manage']);
  const answer = await api(server, client.key).post('/v1/webhooks', { url: target.url });
  expect(answer.status).toBe(201);
  const { webhook, secret } = await json<{ webhook: { id: string }; secret: string }>(answer);
  target.setSecret(secret);
  created.push({ server, key: client.key, id: webhook.id });
  return { client, webhookId: webhook.id };
}

/** Fresh accounts that every given exchange looked up (one batch each). */
async function lookedUpAccounts(server: TestServer, count: number, keys: string[]) {
  const { linked } = await citizenWithAccounts(server, count);
  for (const key of keys) {
    const answer = await api(server, key).post('/v1/attestations/query', {
      accounts: linked.map((l) => l.account),
    });
    expect(answer.status).toBe(200);
  }
  await server.assembled.services.queryLog.flush();
  return linked;
}

async function suspend(server: TestServer, linked: { bindingId: string }[]) {
  for (const { bindingId } of linked) {
    await changeBinding(server.assembled.services, bindingId, {
      transition: 'suspend',
      reason: 'fraud',
      actor,
    });
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function capturingLogger() {
  const lines: { level: LogLevel; message: string; fields: Record<string, unknown> }[] = [];
  const logger: Logger = { log: (level, message, fields = {}) => lines.push({ level, message, fields }) };
  return { logger, lines };
}

describe('webhook delivery isolation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      WEBHOOK_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
      WEBHOOK_CONCURRENCY: String(CONCURRENCY),
    });
  });
  afterEach(deleteWebhooks);
  afterAll(() => server?.close());

  it('a receiver that never answers delays only its own deliveries, and the query log keeps flushing', async () => {
    const hanging = await receiver('never');
    const healthy = await receiver('at once');
    try {
      const stuck = await exchange(server, hanging);
      const fine = await exchange(server, healthy);
      const linked = await lookedUpAccounts(server, 10, [stuck.client.key, fine.client.key]);
      await suspend(server, linked);

      const { logger } = capturingLogger();
      const started = Date.now();
      // The runtime's pace: the query log is flushed every second, as documented.
      const work = startBackgroundWork(server.assembled.services, { logger });
      let stopped = false;
      try {
        await waitFor(() => healthy.received.length === 10, 5000, 'the healthy receiver’s 10 deliveries');
        const healthyMs = Date.now() - started;
        // In order, each signed, and all of it while the other receiver still holds its first request.
        expect(healthy.received.map((r) => r.account)).toEqual(linked.map((l) => l.account));
        expect(healthy.received.every((r) => r.verified)).toBe(true);
        expect(hanging.received).toHaveLength(1);
        expect(hanging.open).toBe(1);
        // The first poll comes a second after the start; the ten then follow one another.
        expect(healthyMs).toBeLessThan(3000);

        // Lookups made during the stall reach the query log within the flush bound.
        const observer = await apiClient(server, ['attestations:read']);
        const lookedUpAt = Date.now();
        for (const { account } of linked.slice(0, 5)) {
          expect((await api(server, observer.key).get(`/v1/attestations/${account}`)).status).toBe(200);
        }
        await waitFor(
          async () =>
            (
              await server.assembled.db
                .selectFrom('query_log')
                .select('id')
                .where('client_id', '=', observer.id)
                .execute()
            ).length === 5,
          // The flush every second, with room for a loaded machine.
          2500,
          'lookups made during the stall in the query log',
        );
        const loggedMs = Date.now() - lookedUpAt;
        expect(hanging.open).toBe(1);
        // Stopping waits for the hanging request, which ends at its timeout.
        const stopping = Date.now();
        await work.stop();
        stopped = true;
        const stopMs = Date.now() - stopping;
        expect(Date.now() - started).toBeLessThan(TIMEOUT_SECONDS * 1000 + 2000);
        const [first] = await server.assembled.db
          .selectFrom('webhook_deliveries')
          .selectAll()
          .where('webhook_id', '=', stuck.webhookId)
          .where('attempts', '=', 1)
          .execute();
        expect(first).toMatchObject({ status: 'pending', last_status_code: null });
        expect(first!.last_error).toMatch(/timeout|abort/i);
        const delivered = await server.assembled.db
          .selectFrom('webhook_deliveries')
          .select('status')
          .where('webhook_id', '=', fine.webhookId)
          .execute();
        expect(delivered.map((d) => d.status)).toEqual(Array(10).fill('delivered'));
        if (process.env.ISOLATION_DEBUG) {
          console.log({
            healthyMs,
            firstToTenthMs: healthy.received[9]!.at - healthy.received[0]!.at,
            loggedMs,
            stopMs,
          });
        }
      } finally {
        if (!stopped) await work.stop();
      }
    } finally {
      await hanging.close();
      await healthy.close();
    }
  });

  it('lets no more dead receivers than the pool has slots hold the pool', async () => {
    const dead = await Promise.all(Array.from({ length: CONCURRENCY }, () => receiver('never')));
    const healthy = await receiver('at once');
    try {
      const deadKeys = [];
      for (const r of dead) deadKeys.push((await exchange(server, r)).client.key);
      const fine = await exchange(server, healthy);
      // The dead receivers' backlogs are older, so they come first in line.
      await suspend(server, await lookedUpAccounts(server, 3, deadKeys));
      await suspend(server, await lookedUpAccounts(server, 3, [fine.client.key]));
      const { logger } = capturingLogger();
      const started = Date.now();
      const work = startBackgroundWork(server.assembled.services, { logger });
      try {
        // One round of timeouts, then the dead receivers rest and the healthy one is served
        // (without resting, their next deliveries would take every slot again).
        await waitFor(
          () => healthy.received.length === 3,
          TIMEOUT_SECONDS * 1000 + 2500,
          'the healthy receiver’s deliveries',
        );
        if (process.env.ISOLATION_DEBUG) console.log({ healthyAfterDeadMs: Date.now() - started });
        expect(dead.map((r) => r.received.length)).toEqual(Array(CONCURRENCY).fill(1));
      } finally {
        await work.stop();
      }
    } finally {
      await Promise.all([...dead, healthy].map((r) => r.close()));
    }
  });

  it('keeps at most WEBHOOK_CONCURRENCY requests in flight, one per receiver', async () => {
    const pool = { open: 0, maxOpen: 0 };
    const receivers = await Promise.all(Array.from({ length: 5 }, () => receiver({ afterMs: 300 }, pool)));
    try {
      const exchanges = [];
      for (const r of receivers) exchanges.push(await exchange(server, r));
      const linked = await lookedUpAccounts(
        server,
        2,
        exchanges.map((e) => e.client.key),
      );
      await suspend(server, linked);
      const { logger } = capturingLogger();
      const work = startBackgroundWork(server.assembled.services, { logger, intervalMs: 50 });
      try {
        await waitFor(
          () => receivers.every((r) => r.received.length === 2),
          10_000,
          'two deliveries to each of five receivers',
        );
      } finally {
        await work.stop();
      }
      // The bound is reached (so it is what limits) and never passed.
      expect(pool.maxOpen).toBe(CONCURRENCY);
      expect(receivers.map((r) => r.maxOpen)).toEqual([1, 1, 1, 1, 1]);
      expect(receivers.flatMap((r) => r.received).every((r) => r.verified)).toBe(true);
    } finally {
      await Promise.all(receivers.map((r) => r.close()));
    }
  });

  it('two instances sharing the database never send one receiver two requests at once', async () => {
    const slow = await receiver({ afterMs: 200 });
    try {
      const { client } = await exchange(server, slow);
      const linked = await lookedUpAccounts(server, 6, [client.key]);
      await suspend(server, linked);
      const { logger } = capturingLogger();
      const instances = [
        startBackgroundWork(server.assembled.services, { logger, intervalMs: 20 }),
        startBackgroundWork(server.assembled.services, { logger, intervalMs: 20 }),
      ];
      try {
        await waitFor(() => slow.received.length >= 6, 10_000, 'six deliveries');
      } finally {
        await Promise.all(instances.map((w) => w.stop()));
      }
      expect(slow.maxOpen).toBe(1);
      // Each delivery once, in the order of the changes.
      expect(slow.received.map((r) => r.account)).toEqual(linked.map((l) => l.account));
    } finally {
      await slow.close();
    }
  });
});

/**
 * A database fault the loops meet for real: on PostgreSQL the connection goes through a
 * TCP proxy that is shut (every connection cut, each new one accepted and cut at once, as
 * while the server restarts) and reopened; on SQLite the service's connection is switched
 * to read-only, so every write fails the way it does on a read-only disk.
 */
describe('background work while the database fails', () => {
  let server: TestServer;
  let fault: {
    begin(): Promise<void>;
    end(): Promise<void>;
    /** How often the service reached for the database since the fault began. */
    tries(): number;
    release(): Promise<void>;
  };
  /** Statements the service sent (or tried to) on the outbox. */
  let outboxStatements = 0;

  beforeAll(async () => {
    const databaseLog = (event: { query: { sql: string } }) => {
      if (event.query.sql.includes('"webhook_deliveries"')) outboxStatements++;
    };
    if (POSTGRES) {
      const proxy = await postgresRelay();
      const database = await createPostgresDatabase('wa_test_fault');
      server = await startTestServer(
        { DATABASE_URL: database.urlVia('127.0.0.1', proxy.port), LOG_INTEGRATE_INTERVAL_MS: '50' },
        undefined,
        undefined,
        databaseLog,
      );
      fault = {
        begin: () => proxy.shut(),
        end: () => proxy.open(),
        tries: () => proxy.refused,
        async release() {
          await proxy.close();
          await database.drop();
        },
      };
    } else {
      server = await startTestServer({ LOG_INTEGRATE_INTERVAL_MS: '50' }, undefined, undefined, databaseLog);
      fault = {
        begin: async () => {
          await sql`pragma query_only = 1`.execute(server.assembled.db);
          outboxStatements = 0;
        },
        tries: () => outboxStatements,
        end: async () => {
          await sql`pragma query_only = 0`.execute(server.assembled.db);
        },
        release: async () => {},
      };
    }
  });
  afterEach(deleteWebhooks);
  afterAll(async () => {
    await server?.close();
    await fault?.release();
  });

  it('backs off, logs once per outage, and recovers by itself', async () => {
    const healthy = await receiver('at once');
    try {
      const { client } = await exchange(server, healthy);
      const linked = await lookedUpAccounts(server, 1, [client.key]);
      await suspend(server, linked);

      const { logger, lines } = capturingLogger();
      await fault.begin();
      const intervalMs = 50;
      const work = startBackgroundWork(server.assembled.services, {
        logger,
        intervalMs,
        housekeepingIntervalMs: intervalMs,
        maxBackoffMs: 400,
      });
      try {
        const outageMs = 2500;
        await new Promise((resolve) => setTimeout(resolve, outageMs));
        // Three loops reach the database here: the dispatcher, housekeeping and the log
        // integrator (the suspension left entries to integrate), all at 50 ms. At a steady
        // pace each would have tried 50 times; backing off (50, 100, 200, then 400 ms) each
        // tries about nine times (bounded here at 15). On PostgreSQL every connection any loop opens is counted;
        // on SQLite only the dispatcher's reads and writes of the outbox, two a try.
        const loops = ['housekeeping', 'log integrator', 'webhook dispatch'];
        const tries = fault.tries();
        expect(tries).toBeGreaterThanOrEqual(6);
        expect(tries).toBeLessThanOrEqual(POSTGRES ? 15 * loops.length : 24);
        expect(healthy.received).toHaveLength(0);
        const failing = lines.filter((l) => l.message.startsWith('background work failing'));
        expect(failing.map((l) => l.fields.loop).sort()).toEqual(loops);
        expect(lines.filter((l) => l.message === 'background work recovered')).toHaveLength(0);

        const restored = Date.now();
        await fault.end();
        await waitFor(() => healthy.received.length === 1, 3000, 'the delivery after the outage');
        const recoveredMs = Date.now() - restored;
        expect(healthy.received[0]!.verified).toBe(true);
        await waitFor(
          () => lines.filter((l) => l.message === 'background work recovered').length === loops.length,
          3000,
          'every loop recovered',
        );
        // Once per outage: no loop repeats its message while it lasted or after.
        expect(lines.filter((l) => l.message.startsWith('background work failing'))).toHaveLength(
          loops.length,
        );
        if (process.env.ISOLATION_DEBUG) console.log({ tries, outageMs, recoveredMs });
      } finally {
        await work.stop();
      }
    } finally {
      await fault.end();
      await healthy.close();
    }
  });
});
