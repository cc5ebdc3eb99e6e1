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
const RS_CLIENT_ID = 'relying-party-with-defaults';
const signingKey = await generateDevIdpSigningKey();
const rsaSigningKey = await generateDevIdpSigningKey('RS256');

let clock: MovableClock;
let idp: typeof fetch;

beforeEach(() => {
  clock = new MovableClock();
  const app = createDevIdp({
    issuer: ISSUER,
    signingKey,
    rsaSigningKey,
    clients: [
      { clientId: CLIENT_ID, redirectUris: [REDIRECT_URI], idTokenSignedResponseAlg: 'ES256' },
      // Registered with no signing algorithm: RS256, as OpenID Connect Registration §2 defaults.
      { clientId: RS_CLIENT_ID, redirectUris: [REDIRECT_URI] },
    ],
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
async function codeFor(nationalId = TEST_PERSONS[1]!.nationalId, overrides: Fields = {}) {
  const response = await authorize({ login_hint: nationalId, ...overrides });
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

async function expectOAuthError(response: Response, error: string, status = 400) {
  expect(response.status).toBe(status);
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
      userinfo_endpoint: `${ISSUER}/userinfo`,
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: expect.arrayContaining(['openid']),
      claims_supported: expect.arrayContaining(['national_id', 'given_name', 'family_name', 'birthdate']),
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
      authorization_response_iss_parameter_supported: true,
      claims_parameter_supported: false,
      request_uri_parameter_supported: false,
    });
  });

  it('publishes only the public key', async () => {
    const { keys } = (await (await idp(`${ISSUER}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(2);
    expect(keys).toContainEqual({
      kty: 'EC',
      crv: 'P-256',
      x: signingKey.x,
      y: signingKey.y,
      kid: signingKey.kid,
      alg: 'ES256',
      use: 'sig',
    });
    expect(keys).toContainEqual({
      kty: 'RSA',
      n: rsaSigningKey.n,
      e: rsaSigningKey.e,
      kid: rsaSigningKey.kid,
      alg: 'RS256',
      use: 'sig',
    });
    for (const key of keys)
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(member);
    expect(signingKey.d).toBeDefined();
    expect(rsaSigningKey.d).toBeDefined();
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
      // Dates as people read them: 1 March 1990, not 1990-03-01.
      expect(html).toContain(
        new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
          new Date(person.birthDate),
        ),
      );
    }
    expect(html).toContain(`action="${ISSUER}/authorize"`);
    expect(html).toContain('name="nonce" value="nonce-456"');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('speaks the first language of ui_locales it knows, else the visitor’s, and switches by reloading the request', async () => {
    const english = await authorize();
    expect(english.headers.get('content-language')).toBe('en');
    expect(await english.text()).toContain('<html lang="en">');

    const kazakh = await authorize({ ui_locales: 'de kk-KZ ru' });
    expect(kazakh.headers.get('content-language')).toBe('kk');
    const kazakhHtml = await kazakh.text();
    expect(kazakhHtml).toContain('<html lang="kk">');
    expect(kazakhHtml).toContain('Сынақ сәйкестендіру провайдері');
    expect(kazakhHtml).toContain('ЖСН');
    expect(kazakhHtml).not.toContain('Choose a test person');
    // The person's pick carries the language on, so a second picker stays in it.
    expect(kazakhHtml).toContain('name="ui_locales" value="de kk-KZ ru"');

    // Without ui_locales: the language cookie, then Accept-Language, as on the service's pages.
    const byHeader = await idp(`${ISSUER}/authorize?${await authorizeParams()}`, {
      headers: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' },
    });
    expect(byHeader.headers.get('content-language')).toBe('ru');
    expect(await byHeader.text()).toContain('Выберите тестового человека');
    const byCookie = await idp(`${ISSUER}/authorize?${await authorizeParams()}`, {
      headers: { 'accept-language': 'ru', cookie: 'lang=kk' },
    });
    expect(byCookie.headers.get('content-language')).toBe('kk');

    // The switcher's links are the same request in another language, with the picker forced.
    const links = [...kazakhHtml.matchAll(/<a href="([^"]+)" hreflang="(\w+)"/g)].map((m) => ({
      url: new URL(m[1]!.replaceAll('&amp;', '&')),
      lang: m[2]!,
    }));
    expect(links.map((l) => l.lang).sort()).toEqual(['en', 'ru']);
    for (const { url, lang } of links) {
      expect(url.searchParams.get('ui_locales')).toBe(lang);
      expect(url.searchParams.get('prompt')).toBe('select_account');
      expect(url.searchParams.get('state')).toBe('state-123');
      const switched = await idp(url.toString());
      expect(switched.status).toBe(200);
      expect(switched.headers.get('content-language')).toBe(lang);
    }
  });

  it('skips the picker when login_hint names a test person', async () => {
    const response = await authorize({ login_hint: TEST_PERSONS[2]!.nationalId });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('iss')).toBe(ISSUER); // RFC 9207
  });

  it('answers prompt=none with login_required, never with the picker', async () => {
    for (const overrides of [
      { prompt: 'none' },
      { prompt: 'none', login_hint: TEST_PERSONS[0]!.nationalId },
    ]) {
      const response = await authorize(overrides);
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({
        error: 'login_required',
        state: 'state-123',
        iss: ISSUER,
      });
      expect(location.searchParams.has('code')).toBe(false);
    }
    const combined = await authorize({ prompt: 'none login' });
    expect(new URL(combined.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('shows the picker for prompt=login even when login_hint names a test person', async () => {
    const response = await authorize({ prompt: 'login', login_hint: TEST_PERSONS[2]!.nationalId });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Choose a test person');
  });

  it('takes a form-encoded authorization request by POST, as by GET', async () => {
    const post = async (overrides: Fields = {}) =>
      idp(`${ISSUER}/authorize`, { method: 'POST', body: await authorizeParams(overrides) });
    const picker = await post();
    expect(picker.status).toBe(200);
    expect(await picker.text()).toContain('Choose a test person');
    const hinted = await post({ login_hint: TEST_PERSONS[2]!.nationalId });
    expect(hinted.status).toBe(302);
    const code = new URL(hinted.headers.get('location')!).searchParams.get('code')!;
    expect((await redeem(code)).status).toBe(200);
    expect((await post({ client_id: 'someone-else' })).status).toBe(400);
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
  it('answers an unknown client or malformed credentials with 401 and WWW-Authenticate', async () => {
    for (const response of [
      await redeem(await codeFor(), { client_id: 'nobody' }),
      await redeem(await codeFor(), { client_id: undefined }, { authorization: `Basic ${btoa('nobody:x')}` }),
      await redeem(await codeFor(), {}, { authorization: 'Basic %%%' }),
    ]) {
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="dev-idp"/);
      await expectOAuthError(response, 'invalid_client', 401);
    }
  });

  it('signs with RS256 for a client that registered no algorithm', async () => {
    const response = await authorize({ client_id: RS_CLIENT_ID, login_hint: TEST_PERSONS[0]!.nationalId });
    const code = new URL(response.headers.get('location')!).searchParams.get('code')!;
    const body = (await (await redeem(code, { client_id: RS_CLIENT_ID })).json()) as { id_token: string };
    const keys = createLocalJWKSet((await (await idp(`${ISSUER}/jwks`)).json()) as never);
    const { protectedHeader, payload } = await jwtVerify(body.id_token, keys, {
      issuer: ISSUER,
      audience: RS_CLIENT_ID,
      algorithms: ['RS256'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: rsaSigningKey.kid });
    expect(payload.national_id).toBe(TEST_PERSONS[0]!.nationalId);
  });

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
    const json = await idp(`${ISSUER}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code' }),
    });
    await expectOAuthError(json, 'invalid_request');
  });
});

describe('dev IdP UserInfo endpoint', () => {
  async function accessToken(scope = 'openid profile') {
    const response = await redeem(await codeFor(TEST_PERSONS[1]!.nationalId, { scope }));
    return (await response.json()) as { access_token: string; id_token: string };
  }

  it('answers the bearer of an access token with the person’s claims, by GET or POST', async () => {
    const person = TEST_PERSONS[1]!;
    const tokens = await accessToken();
    const keys = createLocalJWKSet((await (await idp(`${ISSUER}/jwks`)).json()) as never);
    const { payload } = await jwtVerify(tokens.id_token, keys);
    const expected = {
      sub: payload.sub,
      national_id: person.nationalId,
      given_name: person.givenName,
      family_name: person.familyName,
      birthdate: person.birthDate,
    };
    const get = await idp(`${ISSUER}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('cache-control')).toBe('no-store');
    expect(await get.json()).toEqual(expected);
    const post = await idp(`${ISSUER}/userinfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    expect(await post.json()).toEqual(expected);
  });

  it('releases the profile claims only for the profile scope', async () => {
    const tokens = await accessToken('openid');
    const response = await idp(`${ISSUER}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(Object.keys((await response.json()) as object).sort()).toEqual(['national_id', 'sub']);
  });

  it('refuses a missing, unknown or expired access token with a Bearer challenge', async () => {
    const missing = await idp(`${ISSUER}/userinfo`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="dev-idp"');
    const unknown = await idp(`${ISSUER}/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const { access_token } = await accessToken();
    clock.advance(301);
    const expired = await idp(`${ISSUER}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(expired.status).toBe(401);
    const malformed = await idp(`${ISSUER}/userinfo`, { headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(400);
  });
});
