// The exchange API over real HTTP: keys and scopes, lookups and batches, pairwise holders,
// match and its enumeration brake, the query log, rate limits, and every refusal.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/runtime/database.js';
import { revokeApiClient } from '../../src/services/apiClients.js';
import { changeBinding } from '../../src/services/bindingStatus.js';
import { againstWorkerd, startTestServer, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from '../http/citizenFlow.js';
import { signedInCitizens } from '../http/walletFlow.js';
import { api, apiClient, citizenWithAccounts } from './exchangeFlow.js';

interface Lookup {
  account: string;
  status: string;
  holder?: string;
  country?: string;
  level?: string;
  method?: string;
  issuedAt?: string;
  expiresAt?: string;
  attestation?: { jwt: string; statusList: { uri: string; idx: number } };
  error?: { type: string; status: number; detail?: string };
}

let server: TestServer;
let reader: { id: string; key: string };
let other: { id: string; key: string };
let matcher: { id: string; key: string };

beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT_BYTES: '65536', MATCH_MISMATCH_BURST: '3' });
  reader = await apiClient(server, ['attestations:read', 'identity:match']);
  other = await apiClient(server, ['attestations:read']);
  matcher = await apiClient(server, ['identity:match']);
});
afterAll(() => server.close());

const UNBOUND = 'eip155:1:0x000000000000000000000000000000000000dEaD';

describe('authentication and scopes', () => {
  it.each<[string, string | undefined]>([
    ['no Authorization header', undefined],
    ['a malformed key', 'not-a-key'],
    ['an unknown key of the right shape', `wa_abcdefgh_${'A'.repeat(43)}`],
  ])('refuses %s with 401', async (_what, key) => {
    await expectProblem(await api(server, key).get(`/v1/attestations/${UNBOUND}`), 401, 'invalid-api-key');
  });

  it('accepts only the Bearer scheme', async () => {
    const basic = await fetch(`${server.baseUrl}/v1/attestations/${UNBOUND}`, {
      headers: { authorization: `Basic ${Buffer.from(`x:${reader.key}`).toString('base64')}` },
    });
    await expectProblem(basic, 401, 'invalid-api-key');
    const query = await fetch(`${server.baseUrl}/v1/attestations/${UNBOUND}?api_key=${reader.key}`);
    await expectProblem(query, 401, 'invalid-api-key');
  });

  it('refuses a key without the route’s scope with 403', async () => {
    await expectProblem(
      await api(server, matcher.key).get(`/v1/attestations/${UNBOUND}`),
      403,
      'insufficient-scope',
    );
    await expectProblem(
      await api(server, other.key).post('/v1/attestations/match', {
        account: UNBOUND,
        nationalId: '850315300019',
      }),
      403,
      'insufficient-scope',
    );
    await expectProblem(await api(server, reader.key).get('/v1/webhooks'), 403, 'insufficient-scope');
  });

  // The revocation here goes through this process's authenticator, whose cache is not the Worker's.
  it.skipIf(againstWorkerd)('refuses a revoked key at once', async () => {
    const doomed = await apiClient(server, ['attestations:read']);
    expect((await api(server, doomed.key).get(`/v1/attestations/${UNBOUND}`)).status).toBe(200);
    await revokeApiClient(server.assembled.services, doomed.id, server.assembled.apiKeys);
    await expectProblem(
      await api(server, doomed.key).get(`/v1/attestations/${UNBOUND}`),
      401,
      'invalid-api-key',
    );
  });

  it('checks keys from memory: no database read per request once a key is known', async () => {
    const cachedClient = await apiClient(server, ['attestations:read']);
    expect((await api(server, cachedClient.key).get(`/v1/attestations/${UNBOUND}`)).status).toBe(200);
    // Change the stored record behind the cache's back: the hot path does not see it…
    await server.assembled.db
      .updateTable('api_clients')
      .set({ key_hash: 'x' })
      .where('id', '=', cachedClient.id)
      .execute();
    expect((await api(server, cachedClient.key).get(`/v1/attestations/${UNBOUND}`)).status).toBe(200);
    // …until the entry expires (30 s).
    server.clock.advance(31);
    try {
      await expectProblem(
        await api(server, cachedClient.key).get(`/v1/attestations/${UNBOUND}`),
        401,
        'invalid-api-key',
      );
    } finally {
      server.clock.advance(-31);
    }
  });

  it('does not let a citizen session reach exchange routes', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    await expectProblem(await citizen!.browser.get(`/v1/attestations/${UNBOUND}`), 401, 'invalid-api-key');
  });
});

describe('lookups', () => {
  it('answers one account with its status, attestation and holder', async () => {
    const { linked } = await citizenWithAccounts(server, 1);
    const response = await api(server, reader.key).get(`/v1/attestations/${linked[0]!.account}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const result = await json<Lookup>(response);
    expect(result).toMatchObject({
      account: linked[0]!.account,
      status: 'active',
      country: 'KZ',
      level: 'low',
      method: 'eip191',
    });
    expect(result.holder).toMatch(/^[0-9a-f]{64}$/);
    expect(result.attestation?.jwt.split('.')).toHaveLength(3);
    expect(JSON.stringify(result)).not.toMatch(/nationalId|givenName|familyName|identityId/);
  });

  it('answers none for an unknown account and 422 for a malformed one', async () => {
    expect(
      await json(await api(server, reader.key).get(`/v1/attestations/${UNBOUND.toLowerCase()}`)),
    ).toEqual({
      account: UNBOUND,
      status: 'none',
    });
    await expectProblem(
      await api(server, reader.key).get('/v1/attestations/eip155:1:0x12'),
      422,
      'invalid-account',
    );
  });

  it('reports suspended, revoked and expired', async () => {
    const { linked } = await citizenWithAccounts(server, 3);
    const [a, b, c] = linked as [(typeof linked)[0], (typeof linked)[0], (typeof linked)[0]];
    const actor = { type: 'regulator' as const, id: null };
    await changeBinding(server.assembled.services, a.bindingId, {
      transition: 'suspend',
      reason: 'fraud',
      actor,
    });
    await changeBinding(server.assembled.services, b.bindingId, {
      transition: 'revoke',
      reason: 'sanctions',
      actor,
    });
    const statuses = async () =>
      (
        await json<{ results: Lookup[] }>(
          await api(server, reader.key).post('/v1/attestations/query', {
            accounts: [a.account, b.account, c.account],
          }),
        )
      ).results.map((r) => r.status);
    expect(await statuses()).toEqual(['suspended', 'revoked', 'active']);
    server.clock.advance(366 * 24 * 3600);
    try {
      expect(await statuses()).toEqual(['suspended', 'revoked', 'expired']);
    } finally {
      server.clock.advance(-366 * 24 * 3600);
    }
  });
});

describe('batch queries', () => {
  it('checks EIP-55 checksums: canonical, lowercase and mistyped forms of bound and unbound accounts', async () => {
    const { linked } = await citizenWithAccounts(server, 1);
    const bound = linked[0]!.account;
    const address = bound.split(':')[2]!;
    // Flip the case of one letter: a mixed-case address with a wrong checksum.
    const at = address.slice(2).search(/[a-fA-F]/) + 2;
    const flipped =
      address[at] === address[at]!.toLowerCase() ? address[at]!.toUpperCase() : address[at]!.toLowerCase();
    const mistyped = `eip155:1:${address.slice(0, at)}${flipped}${address.slice(at + 1)}`;
    const response = await api(server, reader.key).post('/v1/attestations/query', {
      accounts: [
        bound,
        `eip155:1:${address.toLowerCase()}`,
        mistyped,
        UNBOUND,
        'eip155:1:0x000000000000000000000000000000000000DEad',
      ],
    });
    const { results } = await json<{ results: Lookup[] }>(response);
    expect(results.map((r) => [r.account, r.status ?? r.error?.type.split('/').pop()])).toEqual([
      [bound, 'active'],
      [bound, 'active'],
      [mistyped, 'invalid-account'],
      [UNBOUND, 'none'],
      ['eip155:1:0x000000000000000000000000000000000000DEad', 'invalid-account'],
    ]);
  });

  it('answers each account in order and reports malformed ones per item', async () => {
    const { linked } = await citizenWithAccounts(server, 2);
    const response = await api(server, reader.key).post('/v1/attestations/query', {
      accounts: [
        linked[0]!.account,
        'eip155:1:0xnope',
        UNBOUND,
        'cosmos:cosmoshub-4:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0',
        linked[1]!.account,
      ],
    });
    expect(response.status).toBe(200);
    const { results } = await json<{ results: Lookup[] }>(response);
    expect(results.map((r) => r.status ?? r.error?.type.split('/').pop())).toEqual([
      'active',
      'invalid-account',
      'none',
      'unsupported-namespace',
      'active',
    ]);
    expect(results[1]).toMatchObject({ account: 'eip155:1:0xnope', error: { status: 422 } });
  });

  it('accepts 1000 accounts and refuses 1001, an empty list and bad bodies', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `eip155:1:0x${i.toString(16).padStart(40, '0')}`);
    const ok = await api(server, reader.key).post('/v1/attestations/query', { accounts: many });
    expect(ok.status).toBe(200);
    expect((await json<{ results: Lookup[] }>(ok)).results).toHaveLength(1000);
    await expectProblem(
      await api(server, reader.key).post('/v1/attestations/query', { accounts: [...many, UNBOUND] }),
      422,
      'validation-failed',
    );
    await expectProblem(
      await api(server, reader.key).post('/v1/attestations/query', { accounts: [] }),
      422,
      'validation-failed',
    );
    await expectProblem(
      await api(server, reader.key).post('/v1/attestations/query', { accounts: [1] }),
      422,
      'validation-failed',
    );
    await expectProblem(
      await api(server, reader.key).post('/v1/attestations/query', '{"accounts":'),
      400,
      'malformed-request',
    );
    await expectProblem(
      await api(server, reader.key).post('/v1/attestations/query', 'accounts=x', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      415,
      'unsupported-media-type',
    );
    await expectProblem(
      await api(server, reader.key).post('/v1/attestations/query', { accounts: ['x'.repeat(70_000)] }),
      413,
      'payload-too-large',
    );
  });
});

describe('pairwise holders', () => {
  it('is equal for one person at one exchange, different across exchanges and persons', async () => {
    const alice = await citizenWithAccounts(server, 2);
    const bob = await citizenWithAccounts(server, 1);
    const accounts = [...alice.linked.map((l) => l.account), bob.linked[0]!.account];
    const holders = async (key: string) =>
      (
        await json<{ results: Lookup[] }>(await api(server, key).post('/v1/attestations/query', { accounts }))
      ).results.map((r) => r.holder!);
    const [a1, a2, b1] = await holders(reader.key);
    const [o1, o2, ob] = await holders(other.key);
    expect(a1).toBe(a2);
    expect(o1).toBe(o2);
    expect(a1).not.toBe(b1);
    expect(o1).not.toBe(ob);
    expect(a1).not.toBe(o1);
    expect(b1).not.toBe(ob);
    // Stable over time for the same client.
    expect((await holders(reader.key))[0]).toBe(a1);
  });
});

describe('match', () => {
  it('answers true or false only, validates the national ID, and logs every call', async () => {
    const client = await apiClient(server, ['identity:match']);
    const { linked } = await citizenWithAccounts(server, 1);
    const services = server.assembled.services;
    const identityId = (
      await services.db
        .selectFrom('bindings')
        .select('identity_id')
        .where('id', '=', linked[0]!.bindingId)
        .executeTakeFirstOrThrow()
    ).identity_id;
    const nationalId = await services.protector.decrypt(
      (
        await services.db
          .selectFrom('identities')
          .select('national_id_ciphertext')
          .where('id', '=', identityId)
          .executeTakeFirstOrThrow()
      ).national_id_ciphertext,
      'identity.national_id',
    );
    const ask = (account: string, id: string) =>
      api(server, client.key).post('/v1/attestations/match', { account, nationalId: id });

    expect(await json(await ask(linked[0]!.account, nationalId))).toEqual({ match: true, status: 'active' });
    expect(await json(await ask(linked[0]!.account, '850315300019'))).toEqual({ match: false });
    expect(await json(await ask(UNBOUND, nationalId))).toEqual({ match: false });
    await expectProblem(await ask(linked[0]!.account, '850315300018'), 422, 'invalid-national-id');
    await expectProblem(await ask('nope', nationalId), 422, 'invalid-account');
    await expectProblem(
      await api(server, client.key).post('/v1/attestations/match', { account: UNBOUND }),
      422,
      'validation-failed',
    );

    await services.queryLog.flush();
    const log = await services.db
      .selectFrom('query_log')
      .selectAll()
      .where('client_id', '=', client.id)
      .where('kind', '=', 'match')
      .execute();
    expect(log.map((row) => row.result).sort()).toEqual(['match', 'no_match', 'no_match']);
    expect(JSON.stringify(log)).not.toContain(nationalId);
  });

  it('brakes a client after repeated mismatches, even for a correct guess', async () => {
    const client = await apiClient(server, ['identity:match']);
    const ask = (id: string) =>
      api(server, client.key).post('/v1/attestations/match', { account: UNBOUND, nationalId: id });
    for (let i = 0; i < 3; i++) expect((await ask('850315300019')).status).toBe(200);
    const refused = await ask('850315300019');
    await expectProblem(refused, 429, 'rate-limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other clients are not affected.
    expect(
      (
        await api(server, reader.key).post('/v1/attestations/match', {
          account: UNBOUND,
          nationalId: '850315300019',
        })
      ).status,
    ).toBe(200);
    server.clock.advance(3600);
    try {
      expect((await ask('850315300019')).status).toBe(200);
    } finally {
      server.clock.advance(-3600);
    }
  });
});

describe('query log', () => {
  it('records every lookup with client, account, time and result', async () => {
    const client = await apiClient(server, ['attestations:read']);
    const { linked } = await citizenWithAccounts(server, 1);
    await api(server, client.key).get(`/v1/attestations/${linked[0]!.account}`);
    await api(server, client.key).post('/v1/attestations/query', { accounts: [UNBOUND, 'junk'] });
    await server.assembled.services.queryLog.flush();
    const rows = await server.assembled.db
      .selectFrom('query_log')
      .selectAll()
      .where('client_id', '=', client.id)
      .orderBy('kind')
      .execute();
    expect(rows.map((row) => [row.kind, row.account, row.result])).toEqual([
      ['batch', UNBOUND, 'none'],
      ['batch', 'junk', 'error'],
      ['lookup', linked[0]!.account, 'active'],
    ]);
    for (const row of rows) expect(Date.parse(row.at)).toBeGreaterThan(0);
  });

  // Reads this process's buffer and closes it; the Worker flushes its own after each request.
  it.skipIf(againstWorkerd)('is flushed by a clean shutdown', async () => {
    const own = await startTestServer();
    const client = await apiClient(own, ['attestations:read']);
    await api(own, client.key).get(`/v1/attestations/${UNBOUND}`);
    const pending = (own.assembled.services.queryLog as { pending?: number }).pending;
    expect(pending).toBe(1);
    const config = own.assembled.services.config;
    await own.assembled.close();
    const db = await openDatabase(config);
    try {
      const rows = await db.selectFrom('query_log').selectAll().where('client_id', '=', client.id).execute();
      expect(rows).toHaveLength(1);
    } finally {
      await db.destroy();
      await own.close().catch(() => {});
    }
  });
});

describe('rate limits', () => {
  // Buckets refill with time: stop the clock so a slow machine cannot refill them mid-test.
  beforeEach(() => server.clock.freeze());
  afterEach(() => server.clock.thaw());

  it('answers 429 with Retry-After and RateLimit headers when a client’s bucket is empty', async () => {
    const slow = await apiClient(server, ['attestations:read'], { perSecond: 1, burst: 3 });
    const get = () => api(server, slow.key).get(`/v1/attestations/${UNBOUND}`);
    const first = await get();
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    await get();
    await get();
    const refused = await get();
    await expectProblem(refused, 429, 'rate-limited');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // Another client is unaffected; time refills the bucket.
    expect((await api(server, reader.key).get(`/v1/attestations/${UNBOUND}`)).status).toBe(200);
    server.clock.advance(1);
    try {
      expect((await get()).status).toBe(200);
    } finally {
      server.clock.advance(-1);
    }
  });

  it('charges a batch one token per started hundred accounts', async () => {
    const batcher = await apiClient(server, ['attestations:read'], { perSecond: 1, burst: 5 });
    const accounts = Array.from({ length: 301 }, (_, i) => `eip155:1:0x${i.toString(16).padStart(40, '0')}`);
    const response = await api(server, batcher.key).post('/v1/attestations/query', { accounts });
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-remaining')).toBe('1');
    await expectProblem(
      await api(server, batcher.key).post('/v1/attestations/query', { accounts }),
      429,
      'rate-limited',
    );
  });
});
