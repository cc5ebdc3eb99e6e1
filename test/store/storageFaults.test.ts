// The service's storage going away and coming back, as an operator meets it: a PostgreSQL
// server that disappears (restart, network) and returns, connections terminated under
// load, a database switched to read-only, and an SQLite file that cannot grow (a full
// disk). Meanwhile every request is answered 503 problem+json with Retry-After (never a
// 500), /readyz says 503, nothing half-written remains, and the service recovers by itself.
import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/services/transparency.js';
import { api, apiClient } from '../exchange/exchangeFlow.js';
import {
  asPostgresAdmin,
  createPostgresDatabase,
  postgresRelay,
  type ScratchDatabase,
  type TcpRelay,
} from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { signedInCitizens, submitSignature } from '../http/walletFlow.js';

const onPostgres = process.env.TEST_DATABASE === 'postgres';
const UNBOUND = 'eip155:1:0x000000000000000000000000000000000000dEaD';

async function expectUnavailable(response: Response, problem: string) {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await response.json()).toMatchObject({ type: expect.stringContaining(problem), status: 503 });
}

async function readiness(server: TestServer) {
  const response = await fetch(`${server.baseUrl}/readyz`);
  return { status: response.status, body: await json<{ checks: Record<string, string> }>(response) };
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Links a fresh account; returns the HTTP status (201, or 503 while storage fails). */
async function tryLink(browser: Awaited<ReturnType<typeof signedInCitizens>>[number]['browser']) {
  const signer = privateKeyToAccount(generatePrivateKey());
  const challenge = await browser.post('/v1/wallets/challenge', { account: `eip155:1:${signer.address}` });
  if (challenge.status !== 201) return { status: challenge.status, response: challenge };
  const { message } = await json<{ message: string }>(challenge);
  const response = await submitSignature(browser, message, await signer.signMessage({ message }));
  return { status: response.status, response };
}

/** No binding without its attestation and its audit entry; the audit chain intact. */
async function expectNothingHalfWritten(server: TestServer) {
  const db = server.assembled.db;
  const orphans = await db
    .selectFrom('bindings')
    .select('bindings.id')
    .where((eb) =>
      eb.or([
        eb.not(
          eb.exists(eb.selectFrom('attestations').select('id').whereRef('binding_id', '=', 'bindings.id')),
        ),
        eb.not(
          eb.exists(
            eb
              .selectFrom('audit_log')
              .select('seq')
              .whereRef('subject_id', '=', 'bindings.id')
              .where('action', '=', 'binding.created'),
          ),
        ),
      ]),
    )
    .execute();
  expect(orphans).toEqual([]);
  const keys = await server.assembled.services.keys.signingKeys();
  const report = await verifyAuditLog(db, { keys: keys.map((key) => key.jwk) });
  expect(report.chainBreak).toBeUndefined();
}

describe.runIf(!onPostgres)('SQLite on a full disk', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 503 storage-full and not ready, writes nothing half, and recovers when space returns', async () => {
    const db = server.assembled.db;
    const [citizen] = await signedInCitizens(server, 1);
    expect((await tryLink(citizen!.browser)).status).toBe(201);
    const exchange = api(server, (await apiClient(server, ['attestations:read'])).key);
    expect((await exchange.get(`/v1/attestations/${UNBOUND}`)).status).toBe(200);
    // The file may not grow beyond what it holds now: SQLite's own limit, met exactly as a
    // full disk is (SQLITE_FULL, "database or disk is full").
    await sql`vacuum`.execute(db);
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(db);
    await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(db);

    const ready = await readiness(server);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.writes).toBe('full');

    // Links until the file is full: each is 201 (it still fitted) or 503 storage-full.
    const statuses: number[] = [];
    for (let i = 0; i < 40 && !statuses.includes(503); i++) {
      const { status, response } = await tryLink(citizen!.browser);
      statuses.push(status);
      if (status === 503) await expectUnavailable(response, 'storage-full');
      else expect(status).toBe(201);
    }
    expect(statuses).toContain(503);
    // Reads still work: a lookup whose interest is already recorded needs no write.
    expect((await exchange.get(`/v1/attestations/${UNBOUND}`)).status).toBe(200);
    // A lookup that would record new interest is refused rather than answered without it.
    const fresh = await exchange.get('/v1/attestations/eip155:1:0x000000000000000000000000000000000000bEEF');
    expect([200, 503]).toContain(fresh.status);
    await expectNothingHalfWritten(server);

    await sql`pragma max_page_count = 1073741823`.execute(db);
    expect((await readiness(server)).status).toBe(200);
    expect((await tryLink(citizen!.browser)).status).toBe(201);
    await expectNothingHalfWritten(server);
  });
});

describe.runIf(onPostgres)('PostgreSQL going away and coming back', () => {
  let server: TestServer;
  let relay: TcpRelay;
  let database: ScratchDatabase;
  const terminateConnections = () =>
    asPostgresAdmin((admin) =>
      admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [
        database.name,
      ]),
    );
  beforeAll(async () => {
    database = await createPostgresDatabase('wa_outage');
    relay = await postgresRelay();
    server = await startTestServer({ DATABASE_URL: database.urlVia('127.0.0.1', relay.port) });
  });
  afterAll(async () => {
    await server?.close();
    await relay?.close();
    await database?.drop();
  });

  it('answers 503 while the server is unreachable and recovers by itself when it returns', async () => {
    const client = await apiClient(server, ['attestations:read', 'webhooks:manage']);
    const exchange = api(server, client.key);
    expect((await exchange.get(`/v1/attestations/${UNBOUND}`)).status).toBe(200);
    const [citizen] = await signedInCitizens(server, 1);

    await relay.shut();
    await expectUnavailable(await exchange.get(`/v1/attestations/${UNBOUND}`), 'database-unavailable');
    await expectUnavailable(
      await exchange.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook' }),
      'database-unavailable',
    );
    const link = await tryLink(citizen!.browser);
    expect(link.status).toBe(503);
    const ready = await readiness(server);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database).toBe('unreachable');

    await relay.open();
    await until(async () => (await readiness(server)).status === 200);
    expect((await exchange.get(`/v1/attestations/${UNBOUND}`)).status).toBe(200);
    expect((await tryLink(citizen!.browser)).status).toBe(201);
    // The lookup acknowledged before the outage reaches the query log after it.
    await server.assembled.services.queryLog.flush();
    const logged = await server.assembled.db
      .selectFrom('query_log')
      .select('account')
      .where('client_id', '=', client.id)
      .execute();
    expect(logged.length).toBeGreaterThanOrEqual(2);
    await expectNothingHalfWritten(server);
  });

  it('never answers 500 while its connections are terminated under load', async () => {
    const client = await apiClient(server, ['attestations:read'], { perSecond: 100_000, burst: 100_000 });
    const exchange = api(server, client.key);
    const statuses = new Map<number, number>();
    let running = true;
    const load = Array.from({ length: 8 }, async () => {
      while (running) {
        const response = await exchange.get(`/v1/attestations/${UNBOUND}`);
        if (response.status === 503) await expectUnavailable(response, 'database-unavailable');
        else await response.body?.cancel();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    });
    for (let round = 0; round < 5; round++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await terminateConnections();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    running = false;
    await Promise.all(load);
    expect([...statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect((await exchange.get(`/v1/attestations/${UNBOUND}`)).status).toBe(200);
  });

  it('answers 503 storage-read-only while the database accepts no writes', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const readOnly = (on: boolean) =>
      asPostgresAdmin((admin) =>
        admin.query(
          `alter database ${database.name} set default_transaction_read_only = ${on ? 'on' : 'off'}`,
        ),
      );
    await readOnly(true);
    await terminateConnections();
    try {
      await until(async () => (await readiness(server)).body.checks.writes === 'read-only');
      expect((await readiness(server)).status).toBe(503);
      const link = await tryLink(citizen!.browser);
      await expectUnavailable(link.response, 'storage-read-only');
    } finally {
      await readOnly(false);
      await terminateConnections();
    }
    await until(async () => (await readiness(server)).status === 200);
    expect((await tryLink(citizen!.browser)).status).toBe(201);
    await expectNothingHalfWritten(server);
  });
});
