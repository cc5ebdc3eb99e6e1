// Helpers for the exchange suites: API clients, linked accounts, and a webhook receiver
// written the way an exchange would write one.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { expect } from 'vitest';
import { createApiClient } from '../../src/services/apiClients.js';
import type { TestBrowser, TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { askChallenge, signedInCitizens, submitSignature } from '../http/walletFlow.js';

export async function apiClient(
  server: TestServer,
  scopes: string[],
  rate?: { perSecond: number; burst: number },
): Promise<{ id: string; key: string }> {
  const { client, key } = await createApiClient(server.assembled.services, {
    name: `Exchange ${Math.random().toString(36).slice(2, 8)}`,
    licenseNo: 'AFSA-2026-001',
    scopes,
    ...(rate ? { rate } : {}),
  });
  return { id: client.id, key };
}

export function api(server: TestServer, key: string | undefined) {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(key ? { authorization: `Bearer ${key}` } : {}),
    ...extra,
  });
  return {
    get: (path: string, extra?: Record<string, string>) =>
      fetch(`${server.baseUrl}${path}`, { headers: headers(extra) }),
    post: (path: string, body: unknown, extra?: Record<string, string>) =>
      fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: headers({ 'content-type': 'application/json', ...extra }),
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    delete: (path: string) => fetch(`${server.baseUrl}${path}`, { method: 'DELETE', headers: headers() }),
  };
}

/** A citizen who linked `count` fresh EOAs; returns the accounts and binding IDs. */
export async function citizenWithAccounts(server: TestServer, count: number, browser?: TestBrowser) {
  const [citizen] = browser ? [{ browser, identityId: '' }] : await signedInCitizens(server, 1);
  const linked: { account: string; bindingId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const signer = privateKeyToAccount(generatePrivateKey());
    const challenge = await askChallenge(citizen!.browser, `eip155:1:${signer.address}`);
    const response = await submitSignature(
      citizen!.browser,
      challenge.message,
      await signer.signMessage({ message: challenge.message }),
    );
    expect(response.status).toBe(201);
    const { binding } = await json<{ binding: { id: string; account: string } }>(response);
    linked.push({ account: binding.account, bindingId: binding.id });
  }
  return { browser: citizen!.browser, identityId: citizen!.identityId, linked };
}

export interface ReceivedWebhook {
  body: string;
  headers: Record<string, string | string[] | undefined>;
  verified: boolean;
}

/**
 * An exchange's receiver: recomputes HMAC-SHA256 over `timestamp.body` with the secret,
 * compares in constant time, refuses stale timestamps. `respond` decides the status code.
 */
export async function webhookReceiver(clock: { now(): Date }, respond: (n: number) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  let secret = '';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(request.headers['wallet-attest-signature'] ?? '');
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
      let verified = false;
      if (match) {
        const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
        const presented = Buffer.from(match[2]!, 'hex');
        // The receiver's clock is the test clock, which the suites move forward.
        const fresh = Math.abs(clock.now().getTime() / 1000 - Number(match[1])) <= 300;
        verified = fresh && presented.length === expected.length && timingSafeEqual(presented, expected);
      }
      received.push({ body, headers: request.headers, verified });
      response.statusCode = respond(received.length);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/wallet-attest`,
    received,
    setSecret(value: string) {
      secret = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
