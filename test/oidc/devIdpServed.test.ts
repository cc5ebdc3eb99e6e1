// The dev IdP as the service serves it (PUBLIC_URL/dev-idp), over real HTTP: what an
// independent relying party sees of it.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, toBase64Url } from '../../src/domain/encoding.js';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';
import { DEV_CLIENT_ID } from '../../src/runtime/assemble.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from '../http/citizenFlow.js';

const VERIFIER = 'a-pkce-code-verifier-of-more-than-43-characters-0123456789';
const PERSON = TEST_PERSONS[3]!;

let server: TestServer;
let issuer: string;
let redirectUri: string;

beforeAll(async () => {
  server = await startTestServer();
  issuer = `${server.baseUrl}/dev-idp`;
  redirectUri = `${server.baseUrl}/v1/identity/oidc/callback`;
});
afterAll(() => server.close());

async function authorizationParameters(extra: Record<string, string> = {}) {
  return new URLSearchParams({
    response_type: 'code',
    client_id: DEV_CLIENT_ID,
    redirect_uri: redirectUri,
    scope: 'openid profile',
    state: 'the-state',
    nonce: 'the-nonce',
    code_challenge: toBase64Url(await sha256(VERIFIER)),
    code_challenge_method: 'S256',
    ...extra,
  });
}

function redeem(form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      redirect_uri: redirectUri,
      code_verifier: VERIFIER,
      ...form,
    }),
  });
}

describe('dev IdP served by the service', () => {
  it('is asked for the language of the service’s pages, and shows its picker in it', async () => {
    for (const [acceptLanguage, lang, heading] of [
      ['kk', 'kk', 'Сынақ сәйкестендіру провайдері'],
      ['ru-RU,ru;q=0.9', 'ru', 'Тестовый поставщик удостоверений'],
      ['de', 'en', 'Development identity provider'],
    ] as const) {
      const browser = server.browser();
      const start = await browser.get('/v1/identity/oidc/start', {
        headers: { 'accept-language': acceptLanguage },
      });
      expect(start.status).toBe(302);
      const location = new URL(start.headers.get('location')!);
      expect(location.searchParams.get('ui_locales')).toBe(lang);
      const picker = await browser.get(location.toString());
      expect(picker.headers.get('content-language')).toBe(lang);
      expect(await picker.text()).toContain(`<h1>${heading}</h1>`);
    }
  });

  it('publishes discovery with RS256, UserInfo and the iss response parameter', async () => {
    const discovery = await json(await fetch(`${issuer}/.well-known/openid-configuration`));
    expect(discovery).toMatchObject({
      issuer,
      userinfo_endpoint: `${issuer}/userinfo`,
      id_token_signing_alg_values_supported: expect.arrayContaining(['RS256', 'ES256']),
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('answers prompt=none with login_required, which the callback reports as the IdP’s refusal', async () => {
    const browser = server.browser();
    const start = await browser.get('/v1/identity/oidc/start?source=dev');
    const authorize = new URL(start.headers.get('location')!);
    authorize.searchParams.set('prompt', 'none');
    const answer = await browser.get(authorize.toString());
    expect(answer.status).toBe(302);
    const callback = new URL(answer.headers.get('location')!);
    expect(callback.searchParams.get('error')).toBe('login_required');
    expect(callback.searchParams.get('iss')).toBe(issuer);
    const problem = await expectProblem(
      await browser.get(callback.toString()),
      401,
      'identity-verification-failed',
    );
    expect(problem).toMatchObject({ reason: 'idp-error', idpError: 'login_required' });
  });

  it('takes a form-encoded POST authorization request, and its tokens open UserInfo', async () => {
    const authorize = await fetch(`${issuer}/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: await authorizationParameters({ login_hint: PERSON.nationalId }),
      redirect: 'manual',
    });
    expect(authorize.status).toBe(302);
    const callback = new URL(authorize.headers.get('location')!);
    expect(callback.searchParams.get('state')).toBe('the-state');
    const tokens = await json<{ access_token: string; id_token: string }>(
      await redeem({ code: callback.searchParams.get('code')!, client_id: DEV_CLIENT_ID }),
    );
    const keys = createLocalJWKSet(await json(await fetch(`${issuer}/jwks`)));
    const { payload } = await jwtVerify(tokens.id_token, keys, { issuer, audience: DEV_CLIENT_ID });
    const userinfo = await fetch(`${issuer}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toEqual({
      sub: payload.sub,
      national_id: PERSON.nationalId,
      given_name: PERSON.givenName,
      family_name: PERSON.familyName,
      birthdate: PERSON.birthDate,
    });
    const without = await fetch(`${issuer}/userinfo`);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('answers an unknown client at the token endpoint with 401 and WWW-Authenticate', async () => {
    const response = await redeem({ code: 'whatever' }, { authorization: `Basic ${btoa('nobody:secret')}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });
});
