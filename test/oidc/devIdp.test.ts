import { createLocalJWKSet, jwtVerify } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { sha256, toBase64Url } from '../../src/domain/encoding.js';
import { kazakhstanIin, validateNationalId } from '../../src/domain/identity/nationalId.js';
import {
  createDevIdp,
  DEFAULT_DEV_ACR,
  generateDevIdpSigningKey,
  TEST_PERSONS,
} from '../../src/http/devIdp/index.js';
import { MovableClock, serveAt } from './helpers.js';

const ISSUER = 'http://localhost:8787/dev-idp';
const CLIENT_ID = 'wallet-attest';
const REDIRECT_URI = 'http://localhost:8787/v1/identity/oidc/callback';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more';
const signingKey = await generateDevIdpSigningKey();

let clock: MovableClock;
let idp: typeof fetch;

beforeEach(() => {
  clock = new MovableClock();
  const app = createDevIdp({
    issuer: ISSUER,
    signingKey,
    clients: [{ clientId: CLIENT_ID, redirectUris: [REDIRECT_URI] }],
    persons: TEST_PERSONS,
    clock,
  });
  idp = serveAt(ISSUER, app);
});

type Fields = Record<string, string | undefined>;

/** Form or query parameters; an override of `undefined` leaves that parameter out. */
function parameters(fields: Fields): URLSearchParams {
  return new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
}

async function authorizeParams(overrides: Fields = {}) {
  return parameters({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: toBase64Url(await sha256(VERIFIER)),
    code_challenge_method: 'S256',
    ...overrides,
  });
}

async function authorize(overrides: Fields = {}) {
  return idp(`${ISSUER}/authorize?${await authorizeParams(overrides)}`);
}

/** Signs in as the given person via login_hint and returns the code from the redirect. */
async function codeFor(nationalId = TEST_PERSONS[1]!.nationalId) {
  const response = await authorize({ login_hint: nationalId });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!).searchParams.get('code')!;
}

function redeem(code: string, overrides: Fields = {}, headers: Record<string, string> = {}) {
  const form = parameters({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    code_verifier: VERIFIER,
    ...overrides,
  });
  return idp(`${ISSUER}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form,
  });
}

async function expectOAuthError(response: Response, error: string) {
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ error, error_description: expect.any(String) });
}

describe('test persons', () => {
  it('have valid IINs whose encoded birth date is theirs', () => {
    expect(TEST_PERSONS).toHaveLength(5);
    for (const person of TEST_PERSONS) {
      expect(validateNationalId('KZ', person.nationalId)).toBe(person.nationalId);
      expect(kazakhstanIin.birthDate!(person.nationalId)).toBe(person.birthDate);
    }
    expect(new Set(TEST_PERSONS.map((p) => p.nationalId)).size).toBe(5);
  });
});

describe('dev IdP metadata', () => {
  it('publishes a discovery document', async () => {
    const response = await idp(`${ISSUER}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: expect.arrayContaining(['openid']),
      claims_supported: expect.arrayContaining(['national_id', 'given_name', 'family_name', 'birthdate']),
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
    });
  });

  it('publishes only the public key', async () => {
    const { keys } = (await (await idp(`${ISSUER}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: signingKey.kid, alg: 'ES256' });
    expect(keys[0]).not.toHaveProperty('d');
    expect(signingKey.d).toBeDefined();
  });
});

describe('dev IdP authorization endpoint', () => {
  it('shows a picker listing every test person, with the request in hidden fields', async () => {
    const response = await authorize({ state: '"><script>alert(1)</script>' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<title>Development identity provider</title>');
    expect(html).toContain('For development only');
    for (const person of TEST_PERSONS) {
      expect(html).toContain(`${person.givenName} ${person.familyName}`);
      expect(html).toContain(person.nationalId);
      expect(html).toContain(person.birthDate);
    }
    expect(html).toContain(`action="${ISSUER}/authorize"`);
    expect(html).toContain('name="nonce" value="nonce-456"');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('skips the picker when login_hint names a test person', async () => {
    const response = await authorize({ login_hint: TEST_PERSONS[2]!.nationalId });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('shows the picker when login_hint names nobody it knows', async () => {
    expect((await authorize({ login_hint: '000000000000' })).status).toBe(200);
  });

  it('issues a code for the person picked in the form', async () => {
    const form = await authorizeParams();
    form.set('person', TEST_PERSONS[3]!.nationalId);
    const response = await idp(`${ISSUER}/authorize`, { method: 'POST', body: form });
    expect(response.status).toBe(302);
    const code = new URL(response.headers.get('location')!).searchParams.get('code')!;
    const tokens = (await (await redeem(code)).json()) as { id_token: string };
    const keys = createLocalJWKSet((await (await idp(`${ISSUER}/jwks`)).json()) as never);
    const { payload } = await jwtVerify(tokens.id_token, keys, { issuer: ISSUER, audience: CLIENT_ID });
    expect(payload.national_id).toBe(TEST_PERSONS[3]!.nationalId);
  });

  it('refuses an unknown person picked in the form with a redirect', async () => {
    const form = await authorizeParams();
    form.set('person', '123456789012');
    const response = await idp(`${ISSUER}/authorize`, { method: 'POST', body: form });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it.each([
    ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/callback' }],
    ['a redirect_uri that only starts like a registered one', { redirect_uri: `${REDIRECT_URI}/x` }],
    ['an unknown client_id', { client_id: 'someone-else' }],
  ])('answers 400 and never redirects for %s', async (_, overrides) => {
    const response = await authorize(overrides);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 400, reason: 'invalid-authorization-request' });
  });

  it.each([
    ['no PKCE challenge', { code_challenge: undefined }, 'invalid_request'],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no openid scope', { scope: 'profile' }, 'invalid_scope'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
  ])('redirects with an OAuth error for %s', async (_, overrides, error) => {
    const response = await authorize(overrides);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toBeNull();
  });
});

describe('dev IdP token endpoint', () => {
  it('redeems a code for a signed ID token with the person and the request nonce', async () => {
    const person = TEST_PERSONS[1]!;
    const response = await redeem(await codeFor(person.nationalId));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, access_token: expect.any(String) });
    const keys = createLocalJWKSet((await (await idp(`${ISSUER}/jwks`)).json()) as never);
    const { payload, protectedHeader } = await jwtVerify(body.id_token as string, keys, {
      issuer: ISSUER,
      audience: CLIENT_ID,
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: signingKey.kid });
    expect(payload).toMatchObject({
      nonce: 'nonce-456',
      acr: DEFAULT_DEV_ACR,
      national_id: person.nationalId,
      given_name: person.givenName,
      family_name: person.familyName,
      birthdate: person.birthDate,
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.auth_time).toBe(payload.iat);
    expect(payload.sub).toMatch(/^[0-9a-f]{32}$/);
    expect(payload.sub).not.toContain(person.nationalId);
    // Stable: the same person gets the same subject next time.
    const again = (await (await redeem(await codeFor(person.nationalId))).json()) as { id_token: string };
    expect((await jwtVerify(again.id_token, keys)).payload.sub).toBe(payload.sub);
  });

  it('accepts client_secret_basic credentials, which must agree with the body', async () => {
    const basic = { authorization: `Basic ${btoa(`${CLIENT_ID}:any-secret`)}` };
    expect((await redeem(await codeFor(), { client_id: undefined }, basic)).status).toBe(200);
    await expectOAuthError(await redeem(await codeFor(), { client_id: 'other' }, basic), 'invalid_request');
  });

  it('refuses a code used twice', async () => {
    const code = await codeFor();
    expect((await redeem(code)).status).toBe(200);
    await expectOAuthError(await redeem(code), 'invalid_grant');
  });

  it('refuses a wrong code_verifier, and the code is spent afterwards', async () => {
    const code = await codeFor();
    await expectOAuthError(await redeem(code, { code_verifier: `${VERIFIER}x` }), 'invalid_grant');
    await expectOAuthError(await redeem(code), 'invalid_grant');
  });

  it('refuses a code older than 60 seconds', async () => {
    const code = await codeFor();
    clock.advance(61);
    await expectOAuthError(await redeem(code), 'invalid_grant');
  });

  it('refuses a redirect_uri other than the authorization request’s', async () => {
    await expectOAuthError(
      await redeem(await codeFor(), { redirect_uri: `${REDIRECT_URI}?x=1` }),
      'invalid_grant',
    );
  });

  it('refuses other grant types, unknown clients and non-form bodies', async () => {
    await expectOAuthError(
      await redeem(await codeFor(), { grant_type: 'password' }),
      'unsupported_grant_type',
    );
    await expectOAuthError(await redeem(await codeFor(), { client_id: 'nobody' }), 'invalid_client');
    const json = await idp(`${ISSUER}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code' }),
    });
    await expectOAuthError(json, 'invalid_request');
  });
});
