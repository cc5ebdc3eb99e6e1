// Access rules, bad input, CSRF, operational endpoints and data at rest, over real HTTP.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChainBreak } from '../../src/domain/audit/auditChain.js';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';
import { listAudit } from '../../src/store/repositories/auditLog.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { enrolledCitizen, expectProblem, json, verifyIdentityWithDevIdp } from './citizenFlow.js';

let server: TestServer;
const person = TEST_PERSONS[3]!;

beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT_BYTES: '4096' });
});
afterAll(() => server.close());

const CITIZEN_ROUTES: [method: string, path: string, body?: unknown][] = [
  ['GET', '/v1/me'],
  ['POST', '/v1/session/logout'],
  ['POST', '/v1/webauthn/registration/options'],
  ['POST', '/v1/webauthn/registration/verify', { id: 'a', rawId: 'a', type: 'public-key', response: {} }],
  ['PATCH', '/v1/passkeys/abc', { name: 'x' }],
  ['DELETE', '/v1/passkeys/abc'],
  ['POST', '/v1/wallets/challenge', { account: 'eip155:1:0x000000000000000000000000000000000000dEaD' }],
  ['POST', '/v1/wallets/verify', { message: 'm', signature: '0x00' }],
  [
    'POST',
    '/v1/wallets/onchain-proof',
    { account: 'eip155:1:0x000000000000000000000000000000000000dEaD', txHash: `0x${'ab'.repeat(32)}` },
  ],
  ['DELETE', '/v1/wallets/abc'],
];

describe('access', () => {
  it.each(CITIZEN_ROUTES)('%s %s refuses a request without a session', async (method, path, body) => {
    const response = await server.browser().request(method, path, body === undefined ? {} : { json: body });
    await expectProblem(response, 401, 'authentication-required');
  });

  it.each(CITIZEN_ROUTES)('%s %s refuses a forged or expired session cookie', async (method, path, body) => {
    const browser = server.browser();
    browser.cookies.set('__Host-wa_session', 'forged-token-value-that-was-never-issued-000');
    const response = await browser.request(method, path, body === undefined ? {} : { json: body });
    await expectProblem(response, 401, 'authentication-required');
  });

  it('an enrollment session reaches only passkey registration and logout', async () => {
    const browser = server.browser();
    await verifyIdentityWithDevIdp(browser, person.nationalId);
    await expectProblem(await browser.get('/v1/me'), 403, 'enrollment-session');
    await expectProblem(
      await browser.request('PATCH', '/v1/passkeys/x', { json: { name: 'n' } }),
      403,
      'enrollment-session',
    );
    await expectProblem(await browser.request('DELETE', '/v1/passkeys/x'), 403, 'enrollment-session');
    for (const [method, path, body] of CITIZEN_ROUTES.filter(([, path]) => path.startsWith('/v1/wallets'))) {
      const response = await browser.request(method, path, body === undefined ? {} : { json: body });
      await expectProblem(response, 403, 'enrollment-session');
    }
    expect((await browser.post('/v1/webauthn/registration/options')).status).toBe(200);
  });

  it('sessions end after the idle timeout and after their absolute lifetime', async () => {
    const browser = server.browser();
    await enrolledCitizen(browser, person.nationalId, server.baseUrl);
    expect((await browser.get('/v1/me')).status).toBe(200);
    server.clock.advance(30 * 60 + 1);
    try {
      await expectProblem(await browser.get('/v1/me'), 401, 'authentication-required');
    } finally {
      server.clock.advance(-(30 * 60 + 1));
    }
    const other = server.browser();
    await enrolledCitizen(other, person.nationalId, server.baseUrl);
    // Stay active every 20 minutes: the idle timeout never fires, the absolute one does.
    let elapsed = 0;
    try {
      while (elapsed < 12 * 3600 - 1200) {
        server.clock.advance(1200);
        elapsed += 1200;
        expect((await other.get('/v1/me')).status).toBe(200);
      }
      server.clock.advance(1200);
      elapsed += 1200;
      await expectProblem(await other.get('/v1/me'), 401, 'authentication-required');
    } finally {
      server.clock.advance(-elapsed);
    }
  });
});

describe('CSRF', () => {
  it('refuses state-changing requests with a session from another origin or without Origin', async () => {
    const browser = server.browser();
    await enrolledCitizen(browser, person.nationalId, server.baseUrl);
    await expectProblem(
      await browser.request('POST', '/v1/session/logout', { origin: 'https://evil.example' }),
      403,
      'origin-mismatch',
    );
    await expectProblem(
      await browser.request('POST', '/v1/session/logout', { origin: null }),
      403,
      'origin-mismatch',
    );
    await expectProblem(
      await browser.request('POST', '/v1/session/logout', { headers: { 'sec-fetch-site': 'cross-site' } }),
      403,
      'origin-mismatch',
    );
    // `Origin: null` (a form post under no-referrer) passes only when the browser itself
    // says the request is same-origin.
    await expectProblem(
      await browser.request('POST', '/v1/session/logout', { origin: 'null' }),
      403,
      'origin-mismatch',
    );
    await expectProblem(
      await browser.request('POST', '/v1/session/logout', {
        origin: 'null',
        headers: { 'sec-fetch-site': 'same-site' },
      }),
      403,
      'origin-mismatch',
    );
    for (const [method, path, body] of CITIZEN_ROUTES.filter(([, path]) => path.startsWith('/v1/wallets'))) {
      const response = await browser.request(method, path, {
        origin: 'https://evil.example',
        ...(body === undefined ? {} : { json: body }),
      });
      await expectProblem(response, 403, 'origin-mismatch');
    }
    expect((await browser.get('/v1/me')).status).toBe(200);
  });
});

describe('bad input', () => {
  it('non-JSON, wrong media type, schema violations and oversized bodies are 4xx problems', async () => {
    const browser = server.browser();
    await enrolledCitizen(browser, person.nationalId, server.baseUrl);
    const path = '/v1/webauthn/registration/verify';
    await expectProblem(
      await browser.request('POST', path, {
        body: '{not json',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'malformed-request',
    );
    await expectProblem(
      await browser.request('POST', path, {
        body: 'a=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'unsupported-media-type',
    );
    const violation = await expectProblem(
      await browser.post(path, { id: 1, type: 'password' }),
      422,
      'validation-failed',
    );
    expect(JSON.stringify(violation)).toMatch(/\/id|\/type|rawId/);
    await expectProblem(
      await browser.post(path, {
        id: 'a',
        rawId: 'a',
        type: 'public-key',
        response: { clientDataJSON: 'AA', attestationObject: 'AA' },
      }),
      400,
      'malformed-request',
    );
    await expectProblem(await browser.post(path, { pad: 'x'.repeat(5000) }), 413, 'payload-too-large');
    await expectProblem(
      await browser.post('/v1/webauthn/authentication/verify', [1, 2, 3]),
      422,
      'validation-failed',
    );
  });

  it('unknown routes are 404 problems', async () => {
    await expectProblem(await server.browser().get('/v1/nothing-here'), 404, 'not-found');
    await expectProblem(
      await server.browser().request('PUT', '/healthz', { origin: null }),
      404,
      'not-found',
    );
  });

  it('OIDC callbacks with a bad state, without the flow cookie, or with an IdP error are refused', async () => {
    const browser = server.browser();
    await expectProblem(
      await browser.get('/v1/identity/oidc/callback?code=x&state=y'),
      400,
      'challenge-invalid',
    );
    await expectProblem(await browser.get('/v1/identity/oidc/callback'), 400, 'malformed-request');
    const denied = await expectProblem(
      await browser.get('/v1/identity/oidc/callback?error=access_denied&state=y'),
      401,
      'identity-verification-failed',
    );
    expect(denied.detail).toMatch(/refused/);
    // A state issued to one browser is useless in another (login CSRF).
    const start = await browser.get(`/v1/identity/oidc/start?source=dev&login_hint=${person.nationalId}`);
    const idp = await browser.get(start.headers.get('location')!);
    const callback = idp.headers.get('location')!;
    await expectProblem(await server.browser().get(callback), 400, 'challenge-invalid');
    await expectProblem(
      await server.browser().get('/v1/identity/oidc/start?source=ldap'),
      404,
      'identity-source-unavailable',
    );
    await expectProblem(
      await server.browser().get('/v1/identity/oidc/start?source=oidc'),
      404,
      'identity-source-unavailable',
    );
    await expectProblem(
      await server.browser().get('/v1/identity/oidc/start?source=dev&login_hint=%3Cscript%3E'),
      400,
      'malformed-request',
    );
    await expectProblem(
      await server.browser().post('/v1/identity/x509/challenge'),
      404,
      'identity-source-unavailable',
    );
  });
});

describe('operational endpoints and headers', () => {
  it('serves health, readiness, metrics and the JWKS', async () => {
    const browser = server.browser();
    expect(await json(await browser.get('/healthz'))).toEqual({ status: 'ok' });
    const sqliteFile = server.assembled.services.config.database.kind === 'sqlite';
    expect(await json(await browser.get('/readyz'))).toEqual({
      status: 'ok',
      checks: { database: 'ok', writes: 'ok', migrations: 'ok', ...(sqliteFile ? { storage: 'ok' } : {}) },
    });
    const { keys } = await json<{ keys: Record<string, unknown>[] }>(
      await browser.get('/.well-known/jwks.json'),
    );
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
    const metrics = await (await browser.get('/metrics')).text();
    expect(metrics).toMatch(/# TYPE http_requests_total counter/);
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(metrics).toMatch(
      /http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="0.005"\} \d+/,
    );
    // Labels carry route patterns only: no query strings, no national IDs.
    const labels = [...metrics.matchAll(/route="([^"]*)"/g)].map((match) => match[1]);
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(label).not.toMatch(/\?|\d{12}/);
  });

  it('sends security headers on every response, errors included', async () => {
    // '/dev-idp/…' answers with a Response its handler built itself; the others through Hono.
    for (const path of ['/', '/healthz', '/v1/nothing', '/dev-idp/.well-known/openid-configuration']) {
      const response = await server.browser().get(path);
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    }
  });

  it('serves the pages and the browser bundle', async () => {
    const home = await server.browser().get('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toMatch(/development identity provider/);
    // The page script bundles @simplewebauthn/browser.
    const bundle = await server.browser().get('/assets/citizen.js');
    expect(await bundle.text()).toMatch(/navigator\.credentials\.create/);
    const picker = await server.browser().get('/dev-idp/.well-known/openid-configuration');
    expect(await json(picker)).toMatchObject({ issuer: `${server.baseUrl}/dev-idp` });
  });
});

describe('data at rest', () => {
  it('stores no national ID or name in plaintext and keeps an intact audit chain', async () => {
    const browser = server.browser();
    await enrolledCitizen(browser, person.nationalId, server.baseUrl);
    if (server.assembled.services.config.database.kind === 'sqlite') {
      // The file itself, free pages included.
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(server.assembled.db);
      const bytes = readFileSync(join(server.dataDir, 'wallet-attest.db')).toString('latin1');
      expect(bytes).not.toContain(person.nationalId);
      expect(bytes).not.toContain(person.familyName);
    }
    // Every row of every table, on any backend.
    for (const table of ['identities', 'sessions', 'passkeys', 'challenges', 'audit_log'] as const) {
      const rows = JSON.stringify(await server.assembled.db.selectFrom(table).selectAll().execute());
      expect(rows, table).not.toContain(person.nationalId);
      expect(rows, table).not.toContain(person.familyName);
    }
    const audit = await listAudit(server.assembled.db);
    expect(audit.length).toBeGreaterThan(3);
    expect(await findChainBreak(audit)).toBeUndefined();
    expect(JSON.stringify(audit)).not.toContain(person.nationalId);
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['identity.created', 'session.started', 'passkey.registered']),
    );
  });
});

describe('CSRF, as browsers send it', () => {
  it('accepts a same-origin form post whose Origin is null under no-referrer', async () => {
    const browser = server.browser();
    await enrolledCitizen(browser, TEST_PERSONS[4]!.nationalId, server.baseUrl);
    const response = await browser.request('POST', '/v1/session/logout', {
      origin: 'null',
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(response.status).toBe(204);
  });
});
