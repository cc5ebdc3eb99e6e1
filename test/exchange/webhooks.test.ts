// Webhooks end to end: CRUD with its refusals, outbox rows written with the status change,
// signed deliveries checked by an exchange-style receiver, retries with backoff, giving
// up, and no delivery lost when a worker dies mid-delivery.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { startBackgroundWork } from '../../src/runtime/backgroundWork.js';
import { changeBinding } from '../../src/services/bindingStatus.js';
import { checkWebhookUrl, deliverDueWebhooks, retryDelaySeconds } from '../../src/services/webhooks.js';
import { leaseDelivery } from '../../src/store/repositories/webhooks.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from '../http/citizenFlow.js';
import { api, apiClient, citizenWithAccounts, webhookReceiver } from './exchangeFlow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_RETRY_HOURS: '24' });
});
afterAll(() => server.close());

const actor = { type: 'regulator' as const, id: null };

async function exchangeWithWebhook(respond?: (n: number) => number) {
  const client = await apiClient(server, ['attestations:read', 'webhooks:manage']);
  const receiver = await webhookReceiver(server.clock, respond);
  const created = await api(server, client.key).post('/v1/webhooks', {
    url: receiver.url,
    description: 'status feed',
  });
  expect(created.status).toBe(201);
  const { webhook, secret } = await json<{ webhook: { id: string; url: string }; secret: string }>(created);
  receiver.setSecret(secret);
  return { client, receiver, webhook, secret };
}

async function outbox(webhookId: string) {
  return server.assembled.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at')
    .execute();
}

const deliver = () => deliverDueWebhooks(server.assembled.services, fetch);

/** A fresh linked account that the exchange looks up, then a regulator suspends. */
async function lookedUpThenSuspended(key: string) {
  const { linked } = await citizenWithAccounts(server, 1);
  await api(server, key).get(`/v1/attestations/${linked[0]!.account}`);
  await server.assembled.services.queryLog.flush();
  await changeBinding(server.assembled.services, linked[0]!.bindingId, {
    transition: 'suspend',
    reason: 'fraud',
    actor,
  });
  return linked[0]!;
}

describe('webhook management', () => {
  it('creates, lists, reads and deletes; the secret is shown once', async () => {
    const client = await apiClient(server, ['webhooks:manage']);
    const created = await api(server, client.key).post('/v1/webhooks', {
      url: 'https://exchange.example/hooks',
    });
    expect(created.status).toBe(201);
    const { webhook, secret } = await json<{ webhook: { id: string }; secret: string }>(created);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await json<{ webhooks: unknown[] }>(await api(server, client.key).get('/v1/webhooks'));
    expect(listed.webhooks).toEqual([webhook]);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(await json(await api(server, client.key).get(`/v1/webhooks/${webhook.id}`))).toEqual({ webhook });
    const stored = await server.assembled.db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', webhook.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret_ciphertext).not.toContain(secret.slice(6));
    expect((await api(server, client.key).delete(`/v1/webhooks/${webhook.id}`)).status).toBe(204);
    await expectProblem(await api(server, client.key).get(`/v1/webhooks/${webhook.id}`), 404, 'not-found');
    await expectProblem(await api(server, client.key).delete(`/v1/webhooks/${webhook.id}`), 404, 'not-found');
  });

  it('keeps one exchange out of another’s webhooks', async () => {
    const { webhook } = await exchangeWithWebhook();
    const stranger = await apiClient(server, ['webhooks:manage']);
    await expectProblem(await api(server, stranger.key).get(`/v1/webhooks/${webhook.id}`), 404, 'not-found');
    await expectProblem(
      await api(server, stranger.key).get(`/v1/webhooks/${webhook.id}/deliveries`),
      404,
      'not-found',
    );
    await expectProblem(
      await api(server, stranger.key).delete(`/v1/webhooks/${webhook.id}`),
      404,
      'not-found',
    );
    expect(await json(await api(server, stranger.key).get('/v1/webhooks'))).toEqual({ webhooks: [] });
  });

  it.each([
    [{ url: 'not a url' }, 422, 'invalid-webhook-url'],
    [{ url: 'ftp://exchange.example/hooks' }, 422, 'invalid-webhook-url'],
    [{ url: 'https://user:pw@exchange.example/hooks' }, 422, 'invalid-webhook-url'],
    [{}, 422, 'validation-failed'],
    [{ url: 'https://exchange.example', extra: true }, 422, 'validation-failed'],
  ])('refuses %j', async (body, status, slug) => {
    const client = await apiClient(server, ['webhooks:manage']);
    await expectProblem(await api(server, client.key).post('/v1/webhooks', body), status, slug);
  });

  it('refuses plain http and private hosts in production', async () => {
    const production = {
      ...server.assembled.services,
      config: { ...server.assembled.services.config, production: true },
    };
    expect(() => checkWebhookUrl(production, 'http://exchange.example/hooks')).toThrow(/https/);
    for (const host of [
      'localhost',
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '172.20.0.1',
      '169.254.169.254',
      '[::1]',
    ]) {
      expect(() => checkWebhookUrl(production, `https://${host}/hooks`), host).toThrow(/public host/);
    }
    expect(checkWebhookUrl(production, 'https://exchange.example/hooks')).toBe(
      'https://exchange.example/hooks',
    );
  });
});

describe('deliveries', () => {
  // Backoff is counted on the test clock; stopped, a slow machine cannot make a retry due early.
  beforeEach(() => server.clock.freeze());
  afterEach(() => server.clock.thaw());

  it('notifies exchanges that looked the account up, signed, from an outbox written with the change', async () => {
    const { client, receiver, webhook } = await exchangeWithWebhook();
    const bystander = await exchangeWithWebhook();
    const { linked } = await citizenWithAccounts(server, 1);
    const account = linked[0]!.account;
    await api(server, client.key).get(`/v1/attestations/${account}`);
    await server.assembled.services.queryLog.flush();

    await changeBinding(server.assembled.services, linked[0]!.bindingId, {
      transition: 'suspend',
      reason: 'fraud',
      actor,
    });
    const rows = await outbox(webhook.id);
    expect(rows).toHaveLength(1);
    expect(await outbox(bystander.webhook.id)).toHaveLength(0);

    expect(await deliver()).toMatchObject({ delivered: 1 });
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery!.verified).toBe(true);
    expect(delivery!.headers['webhook-id']).toBe(rows[0]!.id);
    expect(JSON.parse(delivery!.body)).toMatchObject({
      id: rows[0]!.id,
      type: 'account.status_changed',
      data: { account, status: 'suspended', previousStatus: 'active', reason: 'fraud' },
    });
    // Nothing left to send.
    expect(await deliver()).toMatchObject({ attempted: 0 });
    const log = await json<{ deliveries: { status: string; attempts: number; log: unknown[] }[] }>(
      await api(server, client.key).get(`/v1/webhooks/${webhook.id}/deliveries`),
    );
    expect(log.deliveries).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
    await receiver.close();
    await bystander.receiver.close();
  });

  it('does not notify for lookups older than the interest window', async () => {
    const { client, webhook, receiver } = await exchangeWithWebhook();
    const { linked } = await citizenWithAccounts(server, 1);
    await api(server, client.key).get(`/v1/attestations/${linked[0]!.account}`);
    await server.assembled.services.queryLog.flush();
    server.clock.advance(31 * 86400);
    try {
      await changeBinding(server.assembled.services, linked[0]!.bindingId, {
        transition: 'revoke',
        reason: 'fraud',
        actor,
      });
      expect(await outbox(webhook.id)).toHaveLength(0);
    } finally {
      server.clock.advance(-31 * 86400);
      await receiver.close();
    }
  });

  it('retries after receiver errors with exponential backoff, logging each attempt', async () => {
    const { client, receiver, webhook } = await exchangeWithWebhook((n) => (n <= 2 ? 500 : 204));
    await lookedUpThenSuspended(client.key);

    const offset = server.clock.offsetMs;
    try {
      expect(await deliver()).toMatchObject({ failed: 1 });
      // Not due again before its backoff.
      expect(await deliver()).toMatchObject({ attempted: 0 });
      server.clock.advance(retryDelaySeconds(1));
      expect(await deliver()).toMatchObject({ failed: 1 });
      server.clock.advance(retryDelaySeconds(2) - 1);
      expect(await deliver()).toMatchObject({ attempted: 0 });
      server.clock.advance(1);
      expect(await deliver()).toMatchObject({ delivered: 1 });
      expect(receiver.received.map((r) => r.verified)).toEqual([true, true, true]);
      // The same delivery ID each time, so the receiver can deduplicate.
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
      const { deliveries } = await json<{
        deliveries: { status: string; attempts: number; log: { attempt: number; statusCode?: number }[] }[];
      }>(await api(server, client.key).get(`/v1/webhooks/${webhook.id}/deliveries`));
      expect(deliveries[0]).toMatchObject({ status: 'delivered', attempts: 3 });
      expect(deliveries[0]!.log.map((a) => a.statusCode)).toEqual([500, 500, 204]);
    } finally {
      server.clock.offsetMs = offset;
      await receiver.close();
    }
  });

  it('keeps retrying for at least 24 hours, then gives up', async () => {
    const { client, receiver, webhook } = await exchangeWithWebhook(() => 503);
    await lookedUpThenSuspended(client.key);
    const offset = server.clock.offsetMs;
    try {
      let elapsed = 0;
      let attempts = 0;
      for (;;) {
        const result = await deliver();
        attempts += result.attempted;
        const [row] = await outbox(webhook.id);
        if (row!.status !== 'pending') {
          expect(row!.status).toBe('failed');
          break;
        }
        const wait = Math.ceil((Date.parse(row!.next_attempt_at) - server.clock.now().getTime()) / 1000);
        server.clock.advance(Math.max(1, wait));
        elapsed += Math.max(1, wait);
      }
      expect(elapsed).toBeGreaterThanOrEqual(24 * 3600);
      expect(attempts).toBeGreaterThan(10);
      expect(receiver.received).toHaveLength(attempts);
    } finally {
      server.clock.offsetMs = offset;
      await receiver.close();
    }
  });

  it('loses no delivery when a worker dies after taking it', async () => {
    const { client, receiver, webhook } = await exchangeWithWebhook();
    await lookedUpThenSuspended(client.key);
    const [row] = await outbox(webhook.id);
    // A worker leases it and dies before sending: other workers leave it alone for the lease…
    const now = server.clock.now();
    expect(await leaseDelivery(server.assembled.db, row!.id, now, new Date(now.getTime() + 60_000))).toBe(
      true,
    );
    expect(await deliver()).toMatchObject({ attempted: 0 });
    // …and deliver it once the lease has run out.
    const offset = server.clock.offsetMs;
    try {
      server.clock.advance(61);
      expect(await deliver()).toMatchObject({ delivered: 1 });
      expect(receiver.received).toHaveLength(1);
    } finally {
      server.clock.offsetMs = offset;
      await receiver.close();
    }
  });

  it('is delivered by the runtime’s background worker, which flushes the query log too', async () => {
    const { client, receiver, webhook } = await exchangeWithWebhook();
    const { linked } = await citizenWithAccounts(server, 1);
    await api(server, client.key).get(`/v1/attestations/${linked[0]!.account}`);
    const work = startBackgroundWork(server.assembled.services, { logger: silentLogger, intervalMs: 20 });
    try {
      // The worker's flush makes the lookup count before the change below.
      await waitFor(
        async () =>
          (
            await server.assembled.db
              .selectFrom('query_log')
              .select('id')
              .where('client_id', '=', client.id)
              .execute()
          ).length === 1,
      );
      await changeBinding(server.assembled.services, linked[0]!.bindingId, {
        transition: 'revoke',
        reason: 'fraud',
        actor,
      });
      // The receiver answers before the worker records the result: wait for the record.
      await waitFor(async () => (await outbox(webhook.id))[0]?.status === 'delivered');
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.verified).toBe(true);
    } finally {
      await work.stop();
      await receiver.close();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
