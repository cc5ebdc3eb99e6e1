import { SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { fromBase64Url, sha256, toBase64Url, utf8 } from '../../src/domain/encoding.js';
import {
  IdentityProviderError,
  IdentityVerificationFailedError,
  InvalidNationalIdError,
} from '../../src/domain/errors.js';
import { createOidcClient, type OidcSourceSettings } from '../../src/domain/identity/oidc/index.js';
import { createDevIdp, generateDevIdpSigningKey, TEST_PERSONS } from '../../src/http/devIdp/index.js';
import {
  FAKE_CLIENT_ID,
  FAKE_ISSUER,
  FAKE_NONCE,
  FakeIdp,
  MovableClock,
  newSigningKey,
  PERSON,
  type SigningKey,
  serveAt,
  signToken,
} from './helpers.js';

const CLAIM_NAMES = {
  nationalId: 'national_id',
  givenName: 'given_name',
  familyName: 'family_name',
  birthDate: 'birthdate',
};

function settingsFor(issuer: string, overrides: Partial<OidcSourceSettings> = {}): OidcSourceSettings {
  return {
    source: 'oidc',
    issuer,
    clientId: FAKE_CLIENT_ID,
    redirectUri: 'http://localhost:8787/v1/identity/oidc/callback',
    scopes: ['openid', 'profile'],
    claims: CLAIM_NAMES,
    acceptedAcr: [],
    acrLevels: {},
    defaultLevel: 'low',
    country: 'KZ',
    ...overrides,
  };
}

describe('OIDC client against the dev IdP', () => {
  const DEV_ISSUER = 'http://localhost:8787/dev-idp';
  let clock: MovableClock;
  let fetchDev: typeof fetch;

  beforeEach(async () => {
    clock = new MovableClock();
    const settings = settingsFor(DEV_ISSUER);
    const app = createDevIdp({
      issuer: DEV_ISSUER,
      signingKey: await generateDevIdpSigningKey(),
      clients: [{ clientId: settings.clientId, redirectUris: [settings.redirectUri] }],
      persons: TEST_PERSONS,
      clock,
    });
    fetchDev = serveAt(DEV_ISSUER, app);
  });

  async function signIn(overrides: Partial<OidcSourceSettings>, nationalId: string) {
    const client = createOidcClient(settingsFor(DEV_ISSUER, overrides), { fetch: fetchDev, clock });
    const request = await client.startAuthorization({ loginHint: nationalId });
    const redirect = await fetchDev(request.url);
    expect(redirect.status).toBe(302);
    const callback = new URL(redirect.headers.get('location')!);
    expect(callback.searchParams.get('state')).toBe(request.state);
    const code = callback.searchParams.get('code')!;
    const responseIssuer = callback.searchParams.get('iss')!;
    expect(responseIssuer).toBe(DEV_ISSUER);
    return client.completeAuthorization({ code, responseIssuer, ...request });
  }

  it('builds an authorization URL with PKCE S256, fresh state and nonce, and the login hint', async () => {
    const client = createOidcClient(settingsFor(DEV_ISSUER), { fetch: fetchDev, clock });
    const request = await client.startAuthorization({ loginHint: PERSON.nationalId });
    const url = new URL(request.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${DEV_ISSUER}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: FAKE_CLIENT_ID,
      redirect_uri: 'http://localhost:8787/v1/identity/oidc/callback',
      scope: 'openid profile',
      state: request.state,
      nonce: request.nonce,
      code_challenge: toBase64Url(await sha256(request.codeVerifier)),
      code_challenge_method: 'S256',
      login_hint: PERSON.nationalId,
    });
    for (const random of [request.state, request.nonce, request.codeVerifier]) {
      expect(fromBase64Url(random).length).toBeGreaterThanOrEqual(16);
    }
    expect(request.codeVerifier.length).toBeGreaterThanOrEqual(43);
    const other = await client.startAuthorization({});
    expect(other.state).not.toBe(request.state);
    expect(new URL(other.url).searchParams.has('login_hint')).toBe(false);
    expect(new URL(other.url).searchParams.has('ui_locales')).toBe(false);
    // The person's languages, best first, as OIDC Core's ui_locales (space-separated).
    const localized = await client.startAuthorization({ uiLocales: ['kk', 'ru'] });
    expect(new URL(localized.url).searchParams.get('ui_locales')).toBe('kk ru');
  });

  it('requests the accepted acr values, and the configured claims when asked to', async () => {
    const plain = createOidcClient(settingsFor(DEV_ISSUER, { acceptedAcr: ['urn:a:high', 'urn:a:mid'] }), {
      fetch: fetchDev,
      clock,
    });
    const url = new URL((await plain.startAuthorization({})).url);
    expect(url.searchParams.get('acr_values')).toBe('urn:a:high urn:a:mid');
    expect(url.searchParams.has('claims')).toBe(false);
    const asking = createOidcClient(
      settingsFor(DEV_ISSUER, {
        claimsParameter: true,
        acceptedAcr: ['urn:a:high'],
        claims: { ...CLAIM_NAMES, nationalId: 'iin' },
      }),
      { fetch: fetchDev, clock },
    );
    const claims = JSON.parse(new URL((await asking.startAuthorization({})).url).searchParams.get('claims')!);
    const profile = { iin: { essential: true }, given_name: null, family_name: null, birthdate: null };
    expect(claims).toEqual({
      id_token: { ...profile, acr: { essential: true, values: ['urn:a:high'] } },
      userinfo: profile,
    });
  });

  it('signs in a test person end to end and returns exactly their claims', async () => {
    const person = TEST_PERSONS[4]!;
    const claims = await signIn({ source: 'dev' }, person.nationalId);
    expect(claims).toEqual({
      source: 'dev',
      country: 'KZ',
      nationalId: person.nationalId,
      givenName: person.givenName,
      familyName: person.familyName,
      birthDate: person.birthDate,
      level: 'low',
    });
  });

  it('maps the acr to an assurance level and authenticates with client_secret_basic', async () => {
    const claims = await signIn(
      {
        clientSecret: 's3cret',
        acceptedAcr: ['urn:wallet-attest:dev'],
        acrLevels: { 'urn:wallet-attest:dev': 'substantial' },
      },
      PERSON.nationalId,
    );
    expect(claims.level).toBe('substantial');
  });
});

describe('OIDC client refusals', () => {
  let clock: MovableClock;
  let idp: FakeIdp;
  let key: SigningKey;

  beforeEach(async () => {
    clock = new MovableClock();
    idp = new FakeIdp(clock);
    key = await newSigningKey('key-1');
    idp.publishedKeys = [key.publicJwk];
  });

  function client(overrides: Partial<OidcSourceSettings> = {}) {
    return createOidcClient(settingsFor(FAKE_ISSUER, overrides), { fetch: idp.fetch, clock });
  }

  function complete(c = client()) {
    return c.completeAuthorization({
      code: 'the-code',
      state: 'st',
      nonce: FAKE_NONCE,
      codeVerifier: 'v'.repeat(43),
    });
  }

  async function refusal(promise: Promise<unknown>, errorClass: new (...args: never[]) => Error) {
    const error = await promise.then(
      () => expect.fail('expected a refusal'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(errorClass);
    const problem = JSON.stringify((error as IdentityVerificationFailedError).toProblem());
    expect(problem).not.toContain(PERSON.nationalId); // nothing personal in errors
    return error as IdentityVerificationFailedError;
  }

  async function expectRefused(reason: string, c = client()) {
    const error = await refusal(complete(c), IdentityVerificationFailedError);
    expect(error.extensions.reason).toBe(reason);
  }

  it('accepts a good token and posts a proper token request', async () => {
    idp.answerWith(await signToken(idp.goodClaims(), key));
    const claims = await complete(
      client({ clientSecret: 'p@ss word', acrLevels: { 'urn:eid:high': 'high' } }),
    );
    expect(claims).toMatchObject({ source: 'oidc', nationalId: PERSON.nationalId, level: 'high' });
    const { form, authorization } = idp.lastTokenRequest!;
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'http://localhost:8787/v1/identity/oidc/callback',
      client_id: FAKE_CLIENT_ID,
      code_verifier: 'v'.repeat(43),
    });
    expect(authorization).toBe(`Basic ${btoa(`${FAKE_CLIENT_ID}:p%40ss+word`)}`);
  });

  it('refuses a token signed with another key under the same kid', async () => {
    const impostor = await newSigningKey('key-1');
    idp.answerWith(await signToken(idp.goodClaims(), impostor));
    await expectRefused('bad-signature');
  });

  it('refuses a token for another audience, or several audiences without azp naming us', async () => {
    idp.answerWith(await signToken({ ...idp.goodClaims(), aud: 'another-client' }, key));
    await expectRefused('wrong-audience');
    idp.answerWith(await signToken({ ...idp.goodClaims(), aud: [FAKE_CLIENT_ID, 'another-client'] }, key));
    await expectRefused('wrong-audience');
  });

  it('refuses an expired token, but tolerates 30 seconds of clock skew', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    idp.answerWith(await signToken({ ...idp.goodClaims(), iat: now - 400, exp: now - 60 }, key));
    await expectRefused('expired');
    idp.answerWith(await signToken({ ...idp.goodClaims(), iat: now - 310, exp: now - 10 }, key));
    await expect(complete()).resolves.toMatchObject({ nationalId: PERSON.nationalId });
  });

  it('refuses a token issued in the future', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    idp.answerWith(await signToken({ ...idp.goodClaims(), iat: now + 120, exp: now + 400 }, key));
    await expectRefused('invalid-token');
  });

  it('refuses a wrong or missing nonce', async () => {
    idp.answerWith(await signToken({ ...idp.goodClaims(), nonce: 'another-nonce' }, key));
    await expectRefused('wrong-nonce');
    const { nonce: _nonce, ...withoutNonce } = idp.goodClaims();
    idp.answerWith(await signToken(withoutNonce, key));
    await expectRefused('wrong-nonce');
  });

  it('refuses a token from another issuer', async () => {
    idp.answerWith(await signToken({ ...idp.goodClaims(), iss: 'https://evil.example' }, key));
    await expectRefused('wrong-issuer');
  });

  it('refuses unsigned (alg none) and HMAC tokens', async () => {
    const encode = (value: object) => toBase64Url(utf8(JSON.stringify(value)));
    idp.answerWith(`${encode({ alg: 'none', kid: 'key-1' })}.${encode(idp.goodClaims())}.`);
    await expectRefused('invalid-token');
    // The classic confusion attack: HS256 keyed with the IdP's public key material.
    const secret = utf8(JSON.stringify(key.publicJwk));
    const hmac = await new SignJWT(idp.goodClaims())
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .sign(secret);
    idp.answerWith(hmac);
    await expectRefused('invalid-token');
  });

  it('refuses a garbage token', async () => {
    idp.answerWith('not.a.jwt');
    await expectRefused('invalid-token');
  });

  it('refuses an acr that is not accepted, or none at all', async () => {
    const strict = client({ acceptedAcr: ['urn:eid:substantial', 'urn:eid:very-high'] });
    idp.answerWith(await signToken(idp.goodClaims(), key));
    await expectRefused('acr-not-accepted', strict);
    const { acr: _acr, ...withoutAcr } = idp.goodClaims();
    idp.answerWith(await signToken(withoutAcr, key));
    await expectRefused('acr-not-accepted', strict);
  });

  it('refuses a token without the national ID claim', async () => {
    const { national_id: _id, ...withoutId } = idp.goodClaims();
    idp.answerWith(await signToken(withoutId, key));
    await expectRefused('missing-national-id');
    idp.answerWith(await signToken(idp.goodClaims(), key));
    await expectRefused('missing-national-id', client({ claims: { ...CLAIM_NAMES, nationalId: 'iin' } }));
  });

  it('refuses an invalid IIN', async () => {
    const badIin = `${PERSON.nationalId.slice(0, 11)}${(Number(PERSON.nationalId[11]) + 1) % 10}`;
    idp.answerWith(await signToken({ ...idp.goodClaims(), national_id: badIin }, key));
    const error = await refusal(complete(), InvalidNationalIdError);
    expect(JSON.stringify(error.toProblem())).not.toContain(badIin);
  });

  it('falls back to the birth date the IIN encodes', async () => {
    const { birthdate: _b, given_name: _g, ...minimal } = idp.goodClaims();
    idp.answerWith(await signToken(minimal, key));
    const claims = await complete();
    expect(claims.birthDate).toBe(PERSON.birthDate);
    expect(claims).not.toHaveProperty('givenName');
  });

  it('refetches the JWKS at once for an unknown kid, forced at most once a minute', async () => {
    idp.answerWith(await signToken(idp.goodClaims(), key));
    const c = client();
    await complete(c);
    expect(idp.jwksFetches).toBe(1);
    // The provider rotates its keys right after our first fetch: the next sign-in works.
    const rotated = await newSigningKey('key-2');
    idp.publishedKeys = [rotated.publicJwk];
    idp.answerWith(await signToken(idp.goodClaims(), rotated));
    await expect(complete(c)).resolves.toMatchObject({ nationalId: PERSON.nationalId });
    expect(idp.jwksFetches).toBe(2);
    // Made-up kids within the minute fetch nothing more, however many there are.
    for (const kid of ['made-up-1', 'made-up-2', 'made-up-3']) {
      idp.answerWith(await signToken(idp.goodClaims(), rotated, { kid }));
      await expectRefused('bad-signature', c);
    }
    expect(idp.jwksFetches).toBe(2);
    // Known keys keep working meanwhile, without a fetch.
    idp.answerWith(await signToken(idp.goodClaims(), rotated));
    await expect(complete(c)).resolves.toMatchObject({ nationalId: PERSON.nationalId });
    clock.advance(61);
    const again = await newSigningKey('key-3');
    idp.publishedKeys = [again.publicJwk];
    idp.answerWith(await signToken(idp.goodClaims(), again));
    await expect(complete(c)).resolves.toMatchObject({ nationalId: PERSON.nationalId });
    expect(idp.jwksFetches).toBe(3);
  });

  it('fetches the JWKS once for sign-ins that meet an unknown kid at the same time', async () => {
    idp.answerWith(await signToken(idp.goodClaims(), key));
    const c = client();
    await complete(c);
    const rotated = await newSigningKey('key-2');
    idp.publishedKeys = [rotated.publicJwk];
    idp.answerWith(await signToken(idp.goodClaims(), rotated));
    const results = await Promise.all([complete(c), complete(c), complete(c)]);
    expect(results.map((r) => r.nationalId)).toEqual([
      PERSON.nationalId,
      PERSON.nationalId,
      PERSON.nationalId,
    ]);
    expect(idp.jwksFetches).toBe(2);
  });

  describe('UserInfo', () => {
    const USERINFO = `${FAKE_ISSUER}/userinfo`;
    function idTokenWithoutProfile() {
      const {
        national_id: _n,
        given_name: _gn,
        family_name: _fn,
        birthdate: _bd,
        ...claims
      } = idp.goodClaims();
      return claims;
    }

    beforeEach(() => {
      idp.discoveryExtras = { userinfo_endpoint: USERINFO };
    });

    it('reads the claims the ID token lacks from UserInfo with the bearer access token', async () => {
      idp.answerWith(await signToken({ ...idTokenWithoutProfile(), given_name: 'FromIdToken' }, key));
      idp.userinfoResponse = () =>
        Response.json({
          sub: 'subject-1',
          national_id: PERSON.nationalId,
          given_name: 'FromUserinfo',
          family_name: PERSON.familyName,
        });
      const claims = await complete();
      expect(claims).toMatchObject({
        nationalId: PERSON.nationalId,
        givenName: 'FromIdToken', // the ID token's claim wins
        familyName: PERSON.familyName,
        birthDate: PERSON.birthDate, // from the IIN: neither source had it
      });
      expect(idp.userinfoAuthorizations).toEqual(['Bearer at']);
    });

    it('does not ask UserInfo when the ID token carries every configured claim', async () => {
      idp.answerWith(await signToken(idp.goodClaims(), key));
      await complete();
      expect(idp.userinfoAuthorizations).toEqual([]);
    });

    it('refuses a UserInfo response about another subject', async () => {
      idp.answerWith(await signToken(idTokenWithoutProfile(), key));
      idp.userinfoResponse = () => Response.json({ sub: 'subject-2', national_id: PERSON.nationalId });
      await expectRefused('userinfo-subject-mismatch');
      idp.userinfoResponse = () => Response.json({ national_id: PERSON.nationalId });
      await expectRefused('userinfo-subject-mismatch');
    });

    it('refuses when neither the ID token nor UserInfo has the national ID', async () => {
      idp.answerWith(await signToken(idTokenWithoutProfile(), key));
      idp.userinfoResponse = () => Response.json({ sub: 'subject-1', given_name: 'X' });
      await expectRefused('missing-national-id');
    });

    it('reports a failing UserInfo endpoint as an identity provider error', async () => {
      idp.answerWith(await signToken(idTokenWithoutProfile(), key));
      idp.userinfoResponse = () => new Response(null, { status: 401 });
      const error = await refusal(complete(), IdentityProviderError);
      expect(error.extensions).toMatchObject({ reason: 'http-status', upstreamStatus: 401 });
    });

    it('presents only a Bearer access token', async () => {
      idp.tokenResponse = async () =>
        Response.json({
          access_token: 'at',
          token_type: 'DPoP',
          id_token: await signToken(idTokenWithoutProfile(), key),
        });
      await expectRefused('missing-national-id');
      expect(idp.userinfoAuthorizations).toEqual([]);
    });
  });

  describe('authorization response issuer (RFC 9207)', () => {
    function completeWith(responseIssuer: string | undefined) {
      return client().completeAuthorization({
        code: 'the-code',
        state: 'st',
        nonce: FAKE_NONCE,
        codeVerifier: 'v'.repeat(43),
        ...(responseIssuer !== undefined ? { responseIssuer } : {}),
      });
    }

    beforeEach(async () => {
      idp.answerWith(await signToken(idp.goodClaims(), key));
    });

    it('is required and checked when the provider advertises it, before the code is redeemed', async () => {
      idp.discoveryExtras = { authorization_response_iss_parameter_supported: true };
      let error = await refusal(completeWith(undefined), IdentityVerificationFailedError);
      expect(error.extensions.reason).toBe('response-issuer-missing');
      error = await refusal(completeWith('https://evil.example/oidc'), IdentityVerificationFailedError);
      expect(error.extensions.reason).toBe('response-issuer-mismatch');
      expect(idp.lastTokenRequest).toBeUndefined();
      await expect(completeWith(FAKE_ISSUER)).resolves.toMatchObject({ nationalId: PERSON.nationalId });
    });

    it('may be absent when not advertised, but is never allowed to differ', async () => {
      await expect(completeWith(undefined)).resolves.toMatchObject({ nationalId: PERSON.nationalId });
      const error = await refusal(completeWith(`${FAKE_ISSUER}/`), IdentityVerificationFailedError);
      expect(error.extensions.reason).toBe('response-issuer-mismatch');
    });
  });

  it('refuses plain-http endpoints from an https issuer', async () => {
    idp.discoveryExtras = { jwks_uri: 'http://idp.example.kz/oidc/jwks' };
    const error = await refusal(client().startAuthorization({}), IdentityProviderError);
    expect(error.extensions.reason).toBe('bad-response');
    idp.discoveryExtras = { jwks_uri: `${FAKE_ISSUER}/jwks`, userinfo_endpoint: 'ftp://idp.example.kz/u' };
    expect((await refusal(client().startAuthorization({}), IdentityProviderError)).extensions.reason).toBe(
      'bad-response',
    );
  });

  it('reports a failing token endpoint as an identity provider error', async () => {
    idp.tokenResponse = () => new Response('boom', { status: 500 });
    const error = await refusal(complete(), IdentityProviderError);
    expect(error.extensions).toMatchObject({ reason: 'http-status', upstreamStatus: 500 });
    expect(error.status).toBe(502);
    idp.tokenResponse = () =>
      Response.json({ error: 'invalid_grant', error_description: 'used' }, { status: 400 });
    expect((await refusal(complete(), IdentityProviderError)).extensions).toMatchObject({
      oauthError: 'invalid_grant',
    });
    idp.tokenResponse = () => new Response('<html>', { status: 200 });
    expect((await refusal(complete(), IdentityProviderError)).extensions.reason).toBe('bad-response');
    idp.tokenResponse = () => Response.json({ access_token: 'at' });
    expect((await refusal(complete(), IdentityProviderError)).extensions.reason).toBe('missing-field');
  });

  it('reports an unreachable IdP as an identity provider error', async () => {
    const offline = createOidcClient(settingsFor(FAKE_ISSUER), {
      fetch: () => Promise.reject(new TypeError('fetch failed')),
      clock,
    });
    const error = await refusal(offline.startAuthorization({}), IdentityProviderError);
    expect(error.extensions.reason).toBe('unreachable');
  });

  it('refuses a discovery document naming another issuer', async () => {
    idp.discoveryIssuer = 'https://evil.example/oidc';
    const c = client();
    const error = await refusal(c.startAuthorization({}), IdentityProviderError);
    expect(error.extensions.reason).toBe('issuer-mismatch');
    // The failure is not cached: once the IdP is fixed, the next attempt works.
    idp.discoveryIssuer = FAKE_ISSUER;
    await expect(c.startAuthorization({})).resolves.toHaveProperty('url');
  });

  it('refuses settings without the openid scope', () => {
    expect(() => client({ scopes: ['profile'] })).toThrow(TypeError);
  });
});
