// The `oidc` identity source against oidc-provider (an OpenID Certified provider) as the
// national IdP, through the service's HTTP API: the citizen's browser goes from the service
// to the provider and back, and the service talks to the provider over loopback.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';
import { startTestServer, TestBrowser, type TestServer } from '../helpers/server.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';
import { expectProblem, json, registerPasskey } from '../http/citizenFlow.js';
import {
  authorizeAtNationalIdp,
  NATIONAL_CLIENT_ID,
  NATIONAL_CLIENT_SECRET,
  NationalIdp,
  type NationalIdpOptions,
} from './nationalIdp.js';

const PERSON = TEST_PERSONS[1]!;
const USERINFO_PATH = '/me'; // oidc-provider's UserInfo endpoint
const CALLBACK_PATH = '/v1/identity/oidc/callback';

interface Setup {
  idp: NationalIdp;
  server: TestServer;
}

/** The provider listening, the service configured for it, the provider registered with the service's callback. */
async function setUp(
  env: Record<string, string> = {},
  options: Partial<NationalIdpOptions> = {},
): Promise<Setup> {
  const idp = await NationalIdp.listen();
  const server = await startTestServer({
    IDENTITY_SOURCES: 'oidc',
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: NATIONAL_CLIENT_ID,
    OIDC_CLIENT_SECRET: NATIONAL_CLIENT_SECRET,
    OIDC_SCOPES: 'openid,profile,iin',
    OIDC_NATIONAL_ID_CLAIM: 'iin',
    ...env,
  });
  await idp.configure({ redirectUri: `${server.baseUrl}${CALLBACK_PATH}`, ...options });
  return { idp, server };
}

async function tearDown(setup: Setup | undefined) {
  await setup?.server.close();
  await setup?.idp.close();
}

/** Start → provider (sign-in and consent) → the callback URL the provider sends the browser to. */
async function callbackFor(setup: Setup, nationalId = PERSON.nationalId) {
  const service = setup.server.browser();
  const idpBrowser = new TestBrowser(setup.idp.issuer);
  const callback = await authorizeAtNationalIdp(
    service,
    idpBrowser,
    `/v1/identity/oidc/start?login_hint=${nationalId}`,
  );
  return { service, callback };
}

/** A full sign-in; returns the identity the service recorded (read back after registering a passkey). */
async function signIn(setup: Setup, nationalId = PERSON.nationalId) {
  const { service, callback } = await callbackFor(setup, nationalId);
  const response = await service.get(callback.toString());
  expect(response.status, await response.clone().text()).toBe(303);
  expect(response.headers.get('location')).toBe('/enroll');
  await registerPasskey(service, new SoftAuthenticator({ origin: setup.server.baseUrl }));
  const me = await json<{ identity: Record<string, unknown> }>(await service.get('/v1/me'));
  return me.identity;
}

function authorizationRequests(idp: NationalIdp) {
  return idp.seen.filter((request) => request.path === '/auth' && request.query.has('client_id'));
}

describe('national IdP in its default configuration (claims only from UserInfo)', () => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await setUp();
  });
  afterAll(() => tearDown(setup));
  beforeEach(() => {
    setup.idp.seen.length = 0;
  });

  it('signs a citizen in with the claims read from UserInfo with the access token', async () => {
    const identity = await signIn(setup);
    expect(identity).toMatchObject({
      source: 'oidc',
      country: 'KZ',
      givenName: PERSON.givenName,
      familyName: PERSON.familyName,
      birthDate: PERSON.birthDate,
    });
    const userinfo = setup.idp.seen.filter((request) => request.path === USERINFO_PATH);
    expect(userinfo).toHaveLength(1);
    expect(userinfo[0]!.authorization).toMatch(/^Bearer \S+$/);
    // Nothing was asked of the provider beyond the code flow: no claims parameter, no acr.
    const [authorization] = authorizationRequests(setup.idp);
    expect(authorization!.query.has('claims')).toBe(false);
    expect(authorization!.query.has('acr_values')).toBe(false);
    expect(authorization!.query.get('scope')).toBe('openid profile iin');
  });

  it('refuses a callback whose iss names another issuer, before redeeming the code', async () => {
    const { service, callback } = await callbackFor(setup);
    expect(callback.searchParams.get('iss')).toBe(setup.idp.issuer);
    callback.searchParams.set('iss', 'http://localhost:1/evil');
    const problem = await expectProblem(
      await service.get(callback.toString()),
      401,
      'identity-verification-failed',
    );
    expect(problem).toMatchObject({ reason: 'response-issuer-mismatch' });
    expect(setup.idp.count('/token')).toBe(0);
  });

  it('refuses a callback without iss, which this provider advertises', async () => {
    const { service, callback } = await callbackFor(setup);
    callback.searchParams.delete('iss');
    const problem = await expectProblem(
      await service.get(callback.toString()),
      401,
      'identity-verification-failed',
    );
    expect(problem).toMatchObject({ reason: 'response-issuer-missing' });
    expect(setup.idp.count('/token')).toBe(0);
  });

  it('signs in right after the provider rotates its keys', async () => {
    await signIn(setup);
    const jwksBefore = setup.idp.count('/jwks');
    await setup.idp.rotateKeys();
    const identity = await signIn(setup, TEST_PERSONS[2]!.nationalId);
    expect(identity).toMatchObject({ givenName: TEST_PERSONS[2]!.givenName });
    expect(setup.idp.count('/jwks')).toBe(jwksBefore + 1);
  });
});

describe('national IdP with requested authentication context', () => {
  let setup: Setup | undefined;
  afterEach(async () => {
    await tearDown(setup);
    setup = undefined;
  });

  it('sends acr_values from OIDC_ACCEPTED_ACR and accepts the acr the citizen signed in at', async () => {
    setup = await setUp({ OIDC_ACCEPTED_ACR: 'urn:kz:loa:high', OIDC_LEVEL: 'high' });
    expect(await signIn(setup)).toMatchObject({ level: 'high', givenName: PERSON.givenName });
    expect(authorizationRequests(setup.idp)[0]!.query.get('acr_values')).toBe('urn:kz:loa:high');
  });

  it('refuses a sign-in at a level that is not accepted', async () => {
    setup = await setUp({ OIDC_ACCEPTED_ACR: 'urn:kz:loa:high' });
    setup.idp.authenticateAt = () => 'urn:kz:loa:substantial';
    const { service, callback } = await callbackFor(setup);
    const problem = await expectProblem(
      await service.get(callback.toString()),
      401,
      'identity-verification-failed',
    );
    expect(problem).toMatchObject({ reason: 'acr-not-accepted' });
  });

  it('with OIDC_CLAIMS_PARAMETER, gets every claim in the ID token and needs no UserInfo', async () => {
    setup = await setUp(
      { OIDC_CLAIMS_PARAMETER: 'true', OIDC_ACCEPTED_ACR: 'urn:kz:loa:substantial,urn:kz:loa:high' },
      { claimsParameter: true },
    );
    setup.idp.authenticateAt = () => 'urn:kz:loa:substantial';
    const identity = await signIn(setup);
    expect(identity).toMatchObject({ givenName: PERSON.givenName, birthDate: PERSON.birthDate });
    expect(setup.idp.count(USERINFO_PATH)).toBe(0);
    const claims = JSON.parse(authorizationRequests(setup.idp)[0]!.query.get('claims')!);
    expect(claims.id_token).toMatchObject({
      iin: { essential: true },
      acr: { essential: true, values: ['urn:kz:loa:substantial', 'urn:kz:loa:high'] },
    });
  });
});
