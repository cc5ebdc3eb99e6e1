// The promise to exchanges: a 2xx lookup or batch answer for an account means a webhook
// for every later status change of it, however soon the change follows and even when the
// instance that answered the lookup dies before it has written anything in the background.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeBinding } from '../../src/services/bindingStatus.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { askChallenge, signedInCitizens, submitSignature } from '../http/walletFlow.js';
import { api, apiClient, citizenWithAccounts } from './exchangeFlow.js';

const root = join(import.meta.dirname, '..', '..');
const EXCHANGES = 12;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** Exchanges with a webhook each (deliveries are counted in the outbox, per webhook). */
async function exchangesWithWebhooks(count: number) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const client = await apiClient(server, ['attestations:read', 'webhooks:manage']);
      const created = await api(server, client.key).post('/v1/webhooks', {
        url: `http://127.0.0.1:9/exchange-${i}`,
      });
      expect(created.status).toBe(201);
      const { webhook } = await json<{ webhook: { id: string } }>(created);
      return { ...client, webhookId: webhook.id };
    }),
  );
}

/** A regulator's suspension, as the regulator routes make it. */
function suspend(bindingId: string, reason: string) {
  return changeBinding(server.assembled.services, bindingId, {
    transition: 'suspend',
    reason,
    actor: { type: 'regulator', id: null },
  });
}

async function outboxFor(webhookIds: string[]): Promise<Map<string, number>> {
  const rows = await server.assembled.db
    .selectFrom('webhook_deliveries')
    .select(['webhook_id', 'payload'])
    .where('webhook_id', 'in', webhookIds)
    .execute();
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.webhook_id, (counts.get(row.webhook_id) ?? 0) + 1);
  return counts;
}

describe('webhook notifications after a lookup', () => {
  it('reach every exchange when the change follows the answers at once', async () => {
    const exchanges = await exchangesWithWebhooks(EXCHANGES);
    const { linked } = await citizenWithAccounts(server, 1);
    const account = linked[0]!.account;
    // Half look the account up alone, half in a batch; nothing is flushed in between.
    const answers = await Promise.all(
      exchanges.map((exchange, i) =>
        i % 2 === 0
          ? api(server, exchange.key).get(`/v1/attestations/${account}`)
          : api(server, exchange.key).post('/v1/attestations/query', { accounts: [account] }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(exchanges.map(() => 200));
    expect(server.assembled.services.queryLog.pending).toBeGreaterThan(0);
    await suspend(linked[0]!.bindingId, 'fraud');
    const outbox = await outboxFor(exchanges.map((exchange) => exchange.webhookId));
    expect(exchanges.map((exchange) => outbox.get(exchange.webhookId) ?? 0)).toEqual(exchanges.map(() => 1));
  });

  it('reach exchanges that looked up an account nobody held then', async () => {
    const [exchange] = await exchangesWithWebhooks(1);
    const signer = privateKeyToAccount(generatePrivateKey());
    const account = `eip155:1:${signer.address.toLowerCase()}`;
    const before = await api(server, exchange!.key).get(`/v1/attestations/${account}`);
    expect(await json(before)).toMatchObject({ status: 'none' });
    // Bound afterwards, then suspended: the exchange hears of the suspension (it asked
    // about the account, whatever the answer was then).
    const [citizen] = await signedInCitizens(server, 1);
    const challenge = await askChallenge(citizen!.browser, account);
    const linked = await submitSignature(
      citizen!.browser,
      challenge.message,
      await signer.signMessage({ message: challenge.message }),
    );
    expect(linked.status).toBe(201);
    const { binding } = await json<{ binding: { id: string } }>(linked);
    await suspend(binding.id, 'review');
    const payloads = await server.assembled.db
      .selectFrom('webhook_deliveries')
      .select('payload')
      .where('webhook_id', '=', exchange!.webhookId)
      .execute();
    const events = payloads.map((row) => (JSON.parse(row.payload) as { data: { status: string } }).data);
    expect(events).toContainEqual(
      expect.objectContaining({ account: `eip155:1:${signer.address}`, status: 'suspended' }),
    );
  });

  it('survive a kill of the instance that answered, before it wrote its query log', {
    timeout: 90_000,
  }, async () => {
    const exchanges = await exchangesWithWebhooks(8);
    const { linked } = await citizenWithAccounts(server, 1);
    const account = linked[0]!.account;
    // A second instance on the same database answers the lookups and is killed at once.
    const other = await startInstance(server);
    try {
      const answers = await Promise.all(
        exchanges.map((exchange) =>
          fetch(`${other.baseUrl}/v1/attestations/${account}`, {
            headers: { authorization: `Bearer ${exchange.key}` },
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(exchanges.map(() => 200));
    } finally {
      other.kill();
    }
    await other.exited;
    // Its query log was most likely still buffered (written about once a second), so the
    // lookups may be missing from it; the interest they created is not.
    await suspend(linked[0]!.bindingId, 'fraud');
    const outbox = await outboxFor(exchanges.map((exchange) => exchange.webhookId));
    expect(exchanges.map((exchange) => outbox.get(exchange.webhookId) ?? 0)).toEqual(exchanges.map(() => 1));
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The Node runtime as a child process on the test server's database and keys. */
async function startInstance(of: TestServer) {
  const port = await freePort();
  const config = of.assembled.services.config;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/runtime/node.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://localhost:${port}`,
      DATA_DIR: of.dataDir,
      LOG_LEVEL: 'error',
      ...(config.database.kind === 'postgres' ? { DATABASE_URL: config.database.url } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
    if (ready?.ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`The second instance did not start: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { baseUrl, exited, kill: () => child.kill('SIGKILL') };
}
