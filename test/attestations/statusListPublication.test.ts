// What serving a status list costs: a current list is answered from its stored token
// without reading the attestations or signing; a stale one is re-signed once, stored, and
// served from storage again; concurrent readers of a stale list share one signature.
// Signatures are counted on the key store, attestation-table queries through a Kysely
// plugin on the service's database, with the test clock frozen.
import type { KyselyPlugin } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { sha256Hex } from '../../src/domain/encoding.js';
import { changeBinding } from '../../src/services/bindingStatus.js';
import { STATUS_LIST_TYP } from '../../src/services/statusLists.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { askChallenge, signedInCitizens, submitSignature } from '../http/walletFlow.js';

const TTL = 300;
let server: TestServer;
let signJwt: MockInstance;
const attestationQueries: string[] = [];

/** Records every query that names the attestations table. */
const attestationSpy: KyselyPlugin = {
  transformQuery({ node }) {
    if (JSON.stringify(node).includes('"name":"attestations"')) attestationQueries.push(node.kind);
    return node;
  },
  async transformResult({ result }) {
    return result;
  },
};

beforeAll(async () => {
  server = await startTestServer({ STATUS_LIST_SIZE: '16', STATUS_LIST_TTL_SECONDS: String(TTL) });
  const services = server.assembled.services;
  services.db = services.db.withPlugin(attestationSpy);
  signJwt = vi.spyOn(services.keys, 'signJwt');
  server.clock.freeze();
});
afterAll(() => server.close());

function statusListSignatures(): number {
  return signJwt.mock.calls.filter(([typ]) => typ === STATUS_LIST_TYP).length;
}

function resetCounts() {
  signJwt.mockClear();
  attestationQueries.length = 0;
}

async function linkedAccount() {
  const browser = (await signedInCitizens(server, 1))[0]!.browser;
  const signer = privateKeyToAccount(generatePrivateKey());
  const challenge = await askChallenge(browser, `eip155:1:${signer.address}`);
  const response = await submitSignature(
    browser,
    challenge.message,
    await signer.signMessage({ message: challenge.message }),
  );
  expect(response.status, await response.clone().text()).toBe(201);
  return json<{ binding: { id: string }; attestation: { statusList: { uri: string; idx: number } } }>(
    response,
  );
}

async function fetchList(uri: string, headers: Record<string, string> = {}) {
  const response = await fetch(uri, { headers });
  const maxAge = Number(/^public, max-age=(\d+)$/.exec(response.headers.get('cache-control') ?? '')?.[1]);
  return {
    status: response.status,
    etag: response.headers.get('etag')!,
    maxAge,
    token: await response.text(),
  };
}

async function storedToken(uri: string) {
  const id = uri.split('/').pop()!;
  const row = await server.assembled.db
    .selectFrom('status_lists')
    .select(['published_token', 'published_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row;
}

async function expectedEtag(token: string) {
  return `"${(await sha256Hex(token)).slice(0, 32)}"`;
}

beforeEach(() => resetCounts());

describe('status list publication', () => {
  it('serves an unchanged list from storage within its TTL, then re-signs it exactly once', async () => {
    const { attestation } = await linkedAccount();
    const uri = attestation.statusList.uri;
    const first = await fetchList(uri);
    expect(first.status).toBe(200);
    expect(first.maxAge).toBe(TTL);
    expect(first.etag).toBe(await expectedEtag(first.token));

    resetCounts();
    server.clock.advance(TTL / 2);
    for (let i = 0; i < 10; i++) {
      const again = await fetchList(uri);
      expect(again).toMatchObject({ status: 200, token: first.token, etag: first.etag, maxAge: TTL / 2 });
    }
    expect((await fetchList(uri, { 'if-none-match': first.etag })).status).toBe(304);
    expect(statusListSignatures()).toBe(0);
    expect(attestationQueries).toEqual([]);

    // Past the TTL with nothing changed: one re-signing, stored, served to every reader.
    server.clock.advance(TTL / 2 + 1);
    const refreshed = await fetchList(uri);
    expect(refreshed.token).not.toBe(first.token);
    expect(refreshed.etag).toBe(await expectedEtag(refreshed.token));
    expect(refreshed.maxAge).toBe(TTL);
    expect((await storedToken(uri)).published_token).toBe(refreshed.token);
    for (let i = 0; i < 10; i++) {
      expect(await fetchList(uri)).toMatchObject({
        status: 200,
        token: refreshed.token,
        etag: refreshed.etag,
      });
    }
    expect((await fetchList(uri, { 'if-none-match': first.etag })).status).toBe(200);
    expect((await fetchList(uri, { 'if-none-match': refreshed.etag })).status).toBe(304);
    expect(statusListSignatures()).toBe(1);
    expect(attestationQueries).toHaveLength(1);

    server.clock.advance(10);
    expect((await fetchList(uri)).maxAge).toBe(TTL - 10);
    expect(statusListSignatures()).toBe(1);
  });

  it('shows a status change on the next read, then serves that token from storage', async () => {
    const { attestation, binding } = await linkedAccount();
    const uri = attestation.statusList.uri;
    const before = await fetchList(uri);
    resetCounts();
    await changeBinding(server.assembled.services, binding.id, {
      transition: 'suspend',
      reason: 'fraud',
      actor: { type: 'regulator', id: null },
    });
    const after = await fetchList(uri, { 'if-none-match': before.etag });
    expect(after.status).toBe(200);
    expect(after.token).not.toBe(before.token);
    expect(after.maxAge).toBe(TTL);
    for (let i = 0; i < 5; i++) expect((await fetchList(uri)).token).toBe(after.token);
    expect(statusListSignatures()).toBe(1);
  });

  it('re-signs a token dated in the future once, and stores it', async () => {
    const { attestation } = await linkedAccount();
    const uri = attestation.statusList.uri;
    const future = await fetchList(uri);
    server.clock.advance(-3 * TTL);
    try {
      resetCounts();
      const tokens = new Set<string>();
      for (let i = 0; i < 5; i++) tokens.add((await fetchList(uri)).token);
      expect(tokens.size).toBe(1);
      expect(tokens.has(future.token)).toBe(false);
      expect(statusListSignatures()).toBe(1);
      expect((await storedToken(uri)).published_token).toBe([...tokens][0]);
    } finally {
      server.clock.advance(3 * TTL);
    }
  });

  it('signs a stale list once for twenty concurrent readers', async () => {
    const { attestation } = await linkedAccount();
    const uri = attestation.statusList.uri;
    await fetchList(uri);
    server.clock.advance(TTL + 1);
    resetCounts();
    const responses = await Promise.all(Array.from({ length: 20 }, () => fetchList(uri)));
    expect(new Set(responses.map((r) => r.token)).size).toBe(1);
    expect(new Set(responses.map((r) => r.etag)).size).toBe(1);
    expect(responses.every((r) => r.status === 200 && r.maxAge === TTL)).toBe(true);
    expect(statusListSignatures()).toBe(1);
    expect(attestationQueries).toHaveLength(1);
  });
});
