// Arbitrary requests at every route of the HTTP contract, as a signed-in citizen, an
// exchange, a regulator system or nobody: the service never answers 5xx, every 4xx is an
// RFC 9457 problem+json whose status matches the response, every response keeps the
// published contract, and a refused request changes nothing (the rows of every table that
// records state, the audit log first, are counted before and after each one). A quarter of
// the requests go over real sockets; the rest are handed to the assembled app in-process
// (the same middleware and routes, without the Node HTTP server), which is three times
// faster and keeps the 10,000 requests within a few tens of seconds.
import fc from 'fast-check';
import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../src/crypto/tokens.js';
import { ROUTES, type RouteContract } from '../../src/http/contract.js';
import { api, apiClient } from '../exchange/exchangeFlow.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { linkEoa, signedInCitizens } from '../http/walletFlow.js';

/**
 * Requests per route: with the contract's 47 routes tried, 10,340 in the SQLite run, and a
 * fifth of that in the PostgreSQL run, which repeats the suite for the other driver.
 */
const RUNS_PER_ROUTE = Number(
  process.env.PROPERTY_RUNS_PER_ROUTE ?? (process.env.TEST_DATABASE === 'postgres' ? 44 : 220),
);
/** Every SOCKET_EVERY-th request goes over a real socket, the others to the app in-process. */
const SOCKET_EVERY = 4;

// Every table a request could write to, except the exchanges' query log and the rate
// limiters' buckets, which record refused requests on purpose.
const STATE_TABLES = [
  'audit_log',
  'identities',
  'sessions',
  'passkeys',
  'challenges',
  'wallet_challenges',
  'bindings',
  'attestations',
  'conflict_reports',
  'api_clients',
  'webhooks',
  'webhook_deliveries',
] as const;

let server: TestServer;
let citizen: TestBrowser;
let keys: Record<'exchange' | 'regulator', string>;
let known: { account: string; bindingId: string; auditSeq: string };
let sent = 0;
let runs = 0;
let overSockets = 0;
/** Access kinds whose own caller got past authentication at least once (not 401/403). */
const reached = new Set<string>();
const OPERATOR_TOKEN = newToken(32);

beforeAll(async () => {
  server = await startTestServer({
    CHAINS: 'eip155:1,eip155:10',
    OPERATOR_TOKEN_SHA256: await hashToken(OPERATOR_TOKEN),
  });
  const unlimited = { perSecond: 1_000_000, burst: 1_000_000 };
  keys = {
    exchange: (await apiClient(server, ['attestations:read', 'identity:match', 'webhooks:manage'], unlimited))
      .key,
    regulator: (await apiClient(server, ['regulator:read', 'regulator:act'], unlimited)).key,
  };
  const [signedIn] = await signedInCitizens(server, 1);
  citizen = signedIn!.browser;
  const binding = await linkEoa(citizen, privateKeyToAccount(generatePrivateKey()));
  known = { account: binding.account, bindingId: binding.id, auditSeq: '1' };
});
afterAll(async () => {
  await server?.close();
});

async function stateCounts(): Promise<Record<string, number>> {
  const columns = STATE_TABLES.map(
    (table) => sql`(select count(*) from ${sql.table(table)}) as ${sql.ref(table)}`,
  );
  const { rows } = await sql<Record<string, number | string>>`select ${sql.join(columns)}`.execute(
    server.assembled.db,
  );
  return Object.fromEntries(Object.entries(rows[0]!).map(([table, n]) => [table, Number(n)]));
}

// Field names of every request schema, and values that get past the first checks.
const FIELDS = [
  'account',
  'accounts',
  'message',
  'signature',
  'txHash',
  'nationalId',
  'url',
  'description',
  'name',
  'target',
  'attestation',
  'identity',
  'reason',
  'legalReference',
  'resolution',
  'id',
  'rawId',
  'response',
  'type',
  'clientExtensionResults',
  'certificate',
  'signedData',
];
const plausible = () =>
  fc.oneof(
    fc.constantFrom(
      known.account,
      known.account.toLowerCase(),
      'eip155:1:0x000000000000000000000000000000000000dEaD',
      'eip155:999:0x000000000000000000000000000000000000dEaD',
      '850315300019',
      '900101300017',
      'fraud',
      'holder_request',
      'revoke_existing',
      'dismiss',
      'https://exchange.example/hooks',
      'http://127.0.0.1:9/hook',
      `0x${'ab'.repeat(32)}`,
      `0x${'1b'.repeat(65)}`,
      'Nonce: 00000000000000000000000000000000',
      '',
    ),
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );
const value = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: plausible() },
    { weight: 1, arbitrary: fc.array(plausible(), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), plausible(), { maxKeys: 3 }) },
  );

/** The body: shaped like the route's request schema, any JSON, or not JSON at all. */
function bodies(): fc.Arbitrary<{ text: string | undefined; contentType: string | undefined }> {
  const json = (v: unknown) => ({ text: JSON.stringify(v), contentType: 'application/json' });
  return fc.oneof(
    { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value(), { maxKeys: 5 }).map(json) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 60 }), fc.constantFrom('application/json', 'text/plain', undefined))
        .map(([text, contentType]) => ({ text, contentType })),
    },
    { weight: 1, arbitrary: fc.constant({ text: undefined, contentType: undefined }) },
  );
}

const QUERY_NAMES = [
  'first',
  'second',
  'treeSize',
  'format',
  'status',
  'account',
  'client',
  'from',
  'to',
  'limit',
  'afterSeq',
  'code',
  'state',
];
const queries = () =>
  fc
    .dictionary(
      fc.constantFrom(...QUERY_NAMES),
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.integer({ min: -5, max: 10_000 }).map(String),
        fc.constantFrom('csv', 'jwt', 'eip712', 'open', '0'),
      ),
      { maxKeys: 3 },
    )
    .map((entries) => new URLSearchParams(entries).toString());

const segments = () =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 30 }),
    fc.constantFrom(
      known.account,
      known.bindingId,
      known.auditSeq,
      '0',
      '-1',
      '999999999',
      'eip155:1:0x12',
      '..',
      '%00',
    ),
    fc.uuid(),
  );

type Caller = 'own' | 'nobody' | 'wrong-key';
type Transport = 'socket' | 'in-process';

/**
 * Sends the request over a real socket, or hands the same Request to the assembled app
 * in-process (every middleware and route, without the Node HTTP server in front).
 */
function send(
  route: RouteContract,
  caller: Caller,
  transport: Transport,
  path: string,
  body: { text: string | undefined; contentType: string | undefined },
) {
  const headers: Record<string, string> = {};
  if (body.contentType) headers['content-type'] = body.contentType;
  if (route.method !== 'GET') headers.origin = server.baseUrl;
  if (caller === 'wrong-key') headers.authorization = 'Bearer wa_notakey_0000';
  if (caller === 'own') {
    if (route.access === 'session' || route.access === 'enrollment-or-session') {
      headers.cookie = [...citizen.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    } else if (route.access === 'operator') {
      headers.authorization = `Bearer ${OPERATOR_TOKEN}`;
    } else if (route.access !== 'public' && route.access !== 'flow') {
      headers.authorization = `Bearer ${route.access === 'api-key' ? keys.exchange : keys.regulator}`;
    }
  }
  const request = new Request(`${server.baseUrl}${path}`, {
    method: route.method,
    headers,
    ...(route.method !== 'GET' && body.text !== undefined ? { body: body.text } : {}),
    redirect: 'manual',
  });
  return transport === 'socket' ? fetch(request) : server.assembled.app.fetch(request);
}

// Routes whose success with any body changes nothing anyone would call a refusal: logging
// the citizen out would only make every later request anonymous.
const SKIPPED = new Set(['POST /v1/session/logout']);

describe('arbitrary requests at every route', () => {
  const routes = ROUTES.filter((route) => !SKIPPED.has(`${route.method} ${route.path}`));

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: never 5xx, problem+json for every 4xx, nothing changed by a refusal',
    async (_name, route) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(segments(), { minLength: 4, maxLength: 4 }),
          queries(),
          bodies(),
          fc.constantFrom<Caller>('own', 'own', 'own', 'nobody', 'wrong-key'),
          async (params, query, body, caller) => {
            const transport: Transport = runs++ % SOCKET_EVERY === 0 ? 'socket' : 'in-process';
            let i = 0;
            const path =
              route.path.replace(/:[A-Za-z]+/g, () => encodeURIComponent(params[i++]!)) +
              (query ? `?${query}` : '');
            const before = await stateCounts();
            const response = await send(route, caller, transport, path, body);
            if (transport === 'socket') overSockets++;
            sent++;
            if (caller === 'own' && response.status !== 401 && response.status !== 403)
              reached.add(route.access);
            const text = await response.text();
            expect(response.status, `${route.method} ${path} → ${text}`).toBeLessThan(500);
            if (response.status >= 400) {
              expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
              const problem = JSON.parse(text) as { type: unknown; title: unknown; status: unknown };
              expect(problem.status).toBe(response.status);
              expect(problem.type).toMatch(/^https:\/\/wallet-attest\.example\/problems\/[a-z-]+$/);
              expect(problem.title).toBeTypeOf('string');
              expect(await stateCounts(), `${route.method} ${path} changed state`).toEqual(before);
            }
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
      expect(server.contractViolations).toEqual([]);
    },
  );

  it('sent every request (at least 10,000 by default), and still answers', async () => {
    expect(sent).toBe(RUNS_PER_ROUTE * routes.length);
    expect(overSockets).toBeGreaterThanOrEqual(Math.floor(sent / SOCKET_EVERY));
    // The requests reached the routes' own checks, not only the authentication in front.
    expect([...reached].sort()).toEqual(
      expect.arrayContaining([
        'api-key',
        'enrollment-or-session',
        'operator',
        'public',
        'regulator',
        'session',
      ]),
    );
    if (process.env.PROPERTY_RUNS_PER_ROUTE === undefined && process.env.TEST_DATABASE !== 'postgres') {
      expect(sent).toBeGreaterThanOrEqual(10_000);
    }
    const response = await api(server, keys.exchange).get(`/v1/attestations/${known.account}`);
    expect(response.status).toBe(200);
  });
});
