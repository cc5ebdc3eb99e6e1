// Two instances on one PostgreSQL database: an API key revoked anywhere (on one instance,
// or by the CLI's service function on its own connection) is refused by every instance
// within a second, though each caches keys for 30 s; a status change is seen by the other
// instance's lookup as soon. A listener that lost its connection drops its cache when it
// is back, since notices sent meanwhile are lost.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/observability/logger.js';
import { type AssembledApp, assemble } from '../../src/runtime/assemble.js';
import { revokeApiClient } from '../../src/services/apiClients.js';
import { changeBinding } from '../../src/services/bindingStatus.js';
import { announceChange, CHANGE_CHANNEL } from '../../src/store/repositories/changeNotices.js';
import { unitsOf } from '../../src/store/transaction.js';
import { api, apiClient, citizenWithAccounts } from '../exchange/exchangeFlow.js';
import { postgresRelay, type TcpRelay } from '../helpers/postgres.js';
import type { TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { type InstancePair, startInstancePair, via, within } from './instances.js';

let pair: InstancePair;
let relay: TcpRelay;
beforeAll(async () => {
  relay = await postgresRelay();
  // b reaches the database through a relay the last test cuts.
  pair = await startInstancePair({}, { bDatabaseUrl: (url) => via(url, relay.port) });
});
afterAll(async () => {
  await pair?.close();
  await relay?.close();
});

const lookupStatus = (server: TestServer, key: string, account: string) =>
  api(server, key)
    .get(`/v1/attestations/${account}`)
    .then((response) => response.status);

/** What `npm run cli -- clients revoke` does: its own process, connection and services. */
async function revokeAsTheCli(clientId: string): Promise<void> {
  const cli: AssembledApp = await assemble(
    loadConfig({ DATA_DIR: pair.a.dataDir, DATABASE_URL: pair.databaseUrl, LOG_LEVEL: 'error' }),
    { logger: silentLogger },
  );
  try {
    await revokeApiClient(cli.services, clientId);
  } finally {
    await cli.close();
  }
}

describe('several instances, one database', () => {
  it('refuse a key revoked on one instance everywhere within a second', async () => {
    const { linked } = await citizenWithAccounts(pair.a, 1);
    const account = linked[0]!.account;
    const client = await apiClient(pair.a, ['attestations:read']);
    // Both instances have the key in their caches.
    expect(await lookupStatus(pair.a, client.key, account)).toBe(200);
    expect(await lookupStatus(pair.b, client.key, account)).toBe(200);

    const started = performance.now();
    // Revoked through a's services without a's authenticator: both learn it by notice.
    await revokeApiClient(pair.a.assembled.services, client.id);
    const [onA, onB] = await Promise.all(
      [pair.a, pair.b].map((server) =>
        within(1000, async () => (await lookupStatus(server, client.key, account)) === 401),
      ),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(Math.max(onA!, onB!)).toBeLessThan(1000);
  });

  it('refuse a key revoked by the CLI on every instance within a second of the commit', async () => {
    const { linked } = await citizenWithAccounts(pair.a, 1);
    const account = linked[0]!.account;
    const client = await apiClient(pair.a, ['attestations:read']);
    expect(await lookupStatus(pair.a, client.key, account)).toBe(200);
    expect(await lookupStatus(pair.b, client.key, account)).toBe(200);
    await revokeAsTheCli(client.id);
    for (const server of [pair.a, pair.b]) {
      expect(
        await within(1000, async () => (await lookupStatus(server, client.key, account)) === 401),
      ).toBeLessThan(1000);
    }
  });

  it("show a status change made on one instance in the other's lookup within a second", async () => {
    const { linked } = await citizenWithAccounts(pair.a, 1);
    const { account, bindingId } = linked[0]!;
    const client = await apiClient(pair.b, ['attestations:read']);
    const statusOnB = async () =>
      (await json<{ status: string }>(await api(pair.b, client.key).get(`/v1/attestations/${account}`)))
        .status;
    expect(await statusOnB()).toBe('active');
    await changeBinding(pair.a.assembled.services, bindingId, {
      transition: 'suspend',
      reason: 'fraud',
      actor: { type: 'regulator', id: null },
    });
    expect(await within(1000, async () => (await statusOnB()) === 'suspended')).toBeLessThan(1000);
  });

  it('send a notice when its change commits, and none for a change rolled back', async () => {
    const listener = new pg.Client({ connectionString: pair.databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(message.payload ?? ''));
    try {
      await listener.query(`listen ${CHANGE_CHANNEL}`);
      const { db } = pair.a.assembled.services;
      await expect(
        unitsOf(db).run(async (trx) => {
          await announceChange(trx, { kind: 'api_client', keyPrefix: 'rolledback' });
          throw new Error('the change fails after its notice');
        }),
      ).rejects.toThrow('the change fails');
      await unitsOf(db).run((trx) => announceChange(trx, { kind: 'api_client', keyPrefix: 'committed' }));
      await within(1000, async () => heard.length > 0);
      // Notices arrive in commit order: had the rolled-back one been sent, it would be first.
      expect(heard.map((payload) => JSON.parse(payload).keyPrefix)).toEqual(['committed']);
    } finally {
      await listener.end();
    }
  });

  it('drop the cache of an instance whose listener was away when the notice was sent', async () => {
    const { linked } = await citizenWithAccounts(pair.a, 1);
    const account = linked[0]!.account;
    const client = await apiClient(pair.a, ['attestations:read']);
    expect(await lookupStatus(pair.b, client.key, account)).toBe(200);
    await relay.shut();
    try {
      await revokeApiClient(pair.a.assembled.services, client.id);
      // b cannot reach the database: the lookup is a 503 (its cached key is no help).
      expect(await lookupStatus(pair.b, client.key, account)).toBe(503);
    } finally {
      await relay.open();
    }
    // Back: the listener reconnects (backing off to at most 5 s) and drops the cache, so
    // the key is refused long before its 30-second TTL.
    expect(
      await within(10_000, async () => (await lookupStatus(pair.b, client.key, account)) === 401),
    ).toBeLessThan(10_000);
  });
});
