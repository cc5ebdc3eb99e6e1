// The citizen's first slice over real HTTP: dev IdP → passkey registration → sign-out →
// passkey sign-in, and every way a passkey ceremony must fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';
import {
  enrolledCitizen,
  expectProblem,
  json,
  registerPasskey,
  signInWithPasskey,
  verifyIdentityWithDevIdp,
} from './citizenFlow.js';

let server: TestServer;
const [alice, bob, carol] = TEST_PERSONS;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('dev IdP → passkey registration → sign-out → passkey sign-in', () => {
  it('runs end to end', async () => {
    const browser = server.browser();
    const authenticator = new SoftAuthenticator({ origin: server.baseUrl });

    await verifyIdentityWithDevIdp(browser, alice!.nationalId);
    // The enrollment session may do nothing but register a passkey.
    await expectProblem(await browser.get('/v1/me'), 403, 'enrollment-session');

    const registered = await registerPasskey(browser, authenticator, 'Laptop');
    expect(registered.session.kind).toBe('full');
    expect(registered.passkey.name).toBe('Laptop');

    const me = await json<{ identity: Record<string, unknown>; passkeys: unknown[] }>(
      await browser.get('/v1/me'),
    );
    expect(me.identity).toMatchObject({
      givenName: alice!.givenName,
      familyName: alice!.familyName,
      birthDate: alice!.birthDate,
      country: 'KZ',
      source: 'dev',
      nationalIdHint: `••••••••${alice!.nationalId.slice(-4)}`,
    });
    expect(me.identity).not.toHaveProperty('nationalId');
    expect(me.passkeys).toHaveLength(1);
    const revealed = await json<{ identity: { nationalId: string } }>(
      await browser.get('/v1/me?reveal=nationalId'),
    );
    expect(revealed.identity.nationalId).toBe(alice!.nationalId);

    expect((await browser.post('/v1/session/logout')).status).toBe(204);
    await expectProblem(await browser.get('/v1/me'), 401, 'authentication-required');

    const signIn = await signInWithPasskey(browser, authenticator);
    expect(signIn.status, await signIn.clone().text()).toBe(200);
    expect(await json(signIn)).toMatchObject({ verified: true, session: { kind: 'full' } });
    const after = await json<{ passkeys: { lastUsedAt: string | null }[] }>(await browser.get('/v1/me'));
    expect(after.passkeys[0]!.lastUsedAt).not.toBeNull();
  });

  it('sets the session cookie with the __Host- prefix and safe attributes', async () => {
    const browser = server.browser();
    const response = await browser.get(`/v1/identity/oidc/start?source=dev&login_hint=${bob!.nationalId}`);
    const idp = await browser.get(response.headers.get('location')!);
    const callback = await browser.get(idp.headers.get('location')!);
    expect(callback.status).toBe(303);
    const cookie = callback.headers.getSetCookie().find((c) => c.startsWith('__Host-wa_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
  });
});

describe('passkey ceremonies refuse', () => {
  it('a registration from another origin', async () => {
    const browser = server.browser();
    await verifyIdentityWithDevIdp(browser, carol!.nationalId);
    const authenticator = new SoftAuthenticator({ origin: server.baseUrl });
    const options = await (await browser.post('/v1/webauthn/registration/options')).json();
    const credential = await authenticator.createCredential(options, { origin: 'https://evil.example' });
    const problem = await expectProblem(
      await browser.post('/v1/webauthn/registration/verify', credential),
      401,
      'passkey-verification-failed',
    );
    expect(problem.detail).toMatch(/origin/i);
  });

  it('a registration without user verification', async () => {
    const browser = server.browser();
    await verifyIdentityWithDevIdp(browser, carol!.nationalId);
    const authenticator = new SoftAuthenticator({ origin: server.baseUrl });
    const options = await (await browser.post('/v1/webauthn/registration/options')).json();
    const credential = await authenticator.createCredential(options, { userVerified: false });
    const problem = await expectProblem(
      await browser.post('/v1/webauthn/registration/verify', credential),
      401,
      'passkey-verification-failed',
    );
    expect(problem.detail).toMatch(/verif/i);
  });

  it('an assertion from another origin, for another RP ID, or without user verification', async () => {
    const browser = server.browser();
    const { authenticator } = await enrolledCitizen(browser, alice!.nationalId, server.baseUrl);
    for (const overrides of [
      { origin: 'https://evil.example' },
      { rpId: 'evil.example' },
      { userVerified: false },
    ]) {
      const problem = await expectProblem(
        await signInWithPasskey(browser, authenticator, overrides),
        401,
        'passkey-verification-failed',
      );
      expect(problem.detail).toMatch(/origin|rp ?id|verif/i);
    }
  });

  it('a tampered assertion signature', async () => {
    const browser = server.browser();
    const { authenticator } = await enrolledCitizen(browser, alice!.nationalId, server.baseUrl);
    await expectProblem(
      await signInWithPasskey(browser, authenticator, { tamperSignature: true }),
      401,
      'passkey-verification-failed',
    );
  });

  it('a replayed challenge', async () => {
    const browser = server.browser();
    const { authenticator } = await enrolledCitizen(browser, alice!.nationalId, server.baseUrl);
    const options = await (await browser.post('/v1/webauthn/authentication/options')).json();
    const first = await authenticator.getAssertion(options);
    expect((await browser.post('/v1/webauthn/authentication/verify', first)).status).toBe(200);
    const second = await authenticator.getAssertion(options);
    await expectProblem(
      await browser.post('/v1/webauthn/authentication/verify', second),
      400,
      'challenge-invalid',
    );
  });

  it('an expired challenge', async () => {
    const browser = server.browser();
    const { authenticator } = await enrolledCitizen(browser, alice!.nationalId, server.baseUrl);
    const options = await (await browser.post('/v1/webauthn/authentication/options')).json();
    server.clock.advance(301);
    try {
      const assertion = await authenticator.getAssertion(options);
      await expectProblem(
        await browser.post('/v1/webauthn/authentication/verify', assertion),
        400,
        'challenge-invalid',
      );
    } finally {
      server.clock.advance(-301);
    }
  });

  it('a challenge issued to another browser', async () => {
    const browser = server.browser();
    const { authenticator } = await enrolledCitizen(browser, alice!.nationalId, server.baseUrl);
    const options = await (await browser.post('/v1/webauthn/authentication/options')).json();
    const assertion = await authenticator.getAssertion(options);
    const other = server.browser();
    await expectProblem(
      await other.post('/v1/webauthn/authentication/verify', assertion),
      400,
      'challenge-invalid',
    );
  });

  it('a signature counter that went backwards (cloned authenticator)', async () => {
    const browser = server.browser();
    const { authenticator, passkeyId } = await enrolledCitizen(browser, bob!.nationalId, server.baseUrl);
    expect((await signInWithPasskey(browser, authenticator)).status).toBe(200);
    expect((await signInWithPasskey(browser, authenticator)).status).toBe(200);
    authenticator.setCounter(passkeyId, 0);
    const problem = await expectProblem(
      await signInWithPasskey(browser, authenticator),
      401,
      'passkey-verification-failed',
    );
    expect(problem.detail).toMatch(/counter/i);
  });

  it('an assertion by a removed passkey', async () => {
    const browser = server.browser();
    const { authenticator: first, passkeyId } = await enrolledCitizen(
      browser,
      carol!.nationalId,
      server.baseUrl,
    );
    const second = new SoftAuthenticator({ origin: server.baseUrl });
    await registerPasskey(browser, second);
    expect((await browser.request('DELETE', `/v1/passkeys/${passkeyId}`)).status).toBe(204);
    const problem = await expectProblem(
      await signInWithPasskey(browser, first),
      401,
      'passkey-verification-failed',
    );
    expect(problem.detail).toMatch(/not registered/);
    expect((await signInWithPasskey(browser, second)).status).toBe(200);
  });
});

describe('passkey management', () => {
  it('lists, renames and refuses bad names', async () => {
    const browser = server.browser();
    const { passkeyId } = await enrolledCitizen(browser, bob!.nationalId, server.baseUrl);
    expect(
      (await browser.request('PATCH', `/v1/passkeys/${passkeyId}`, { json: { name: 'Phone' } })).status,
    ).toBe(204);
    const me = await json<{ passkeys: { id: string; name: string }[] }>(await browser.get('/v1/me'));
    expect(me.passkeys.find((p) => p.id === passkeyId)?.name).toBe('Phone');
    await expectProblem(
      await browser.request('PATCH', `/v1/passkeys/${passkeyId}`, { json: { name: '' } }),
      422,
      'validation-failed',
    );
    await expectProblem(
      await browser.request('PATCH', `/v1/passkeys/${passkeyId}`, { json: { name: 'x'.repeat(65) } }),
      422,
      'validation-failed',
    );
    await expectProblem(
      await browser.request('PATCH', `/v1/passkeys/${passkeyId}`, { json: { name: 'ok', extra: 1 } }),
      422,
      'validation-failed',
    );
  });

  it("cannot touch another identity's passkey", async () => {
    const aliceBrowser = server.browser();
    const { passkeyId } = await enrolledCitizen(aliceBrowser, alice!.nationalId, server.baseUrl);
    const bobBrowser = server.browser();
    await enrolledCitizen(bobBrowser, bob!.nationalId, server.baseUrl);
    await expectProblem(
      await bobBrowser.request('PATCH', `/v1/passkeys/${passkeyId}`, { json: { name: 'mine' } }),
      404,
      'passkey-not-found',
    );
    await expectProblem(
      await bobBrowser.request('DELETE', `/v1/passkeys/${passkeyId}`),
      404,
      'passkey-not-found',
    );
  });

  it('keeps the last passkey unless the identity was just verified again (recovery)', async () => {
    const browser = server.browser();
    const { authenticator, passkeyId } = await enrolledCitizen(browser, carol!.nationalId, server.baseUrl);
    // A passkey sign-in alone (in a browser that did not verify the identity) does not
    // allow removing the last passkey.
    const signedIn = server.browser();
    expect((await signInWithPasskey(signedIn, authenticator)).status).toBe(200);
    const me = await json<{ passkeys: { id: string }[] }>(await signedIn.get('/v1/me'));
    for (const passkey of me.passkeys.filter((p) => p.id !== passkeyId)) {
      // earlier tests may have left other passkeys for this person
      expect((await signedIn.request('DELETE', `/v1/passkeys/${passkey.id}`)).status).toBe(204);
    }
    await expectProblem(await signedIn.request('DELETE', `/v1/passkeys/${passkeyId}`), 409, 'last-passkey');

    // Recovery: verify the identity again, register a new passkey, then the old one can go.
    const recovered = server.browser();
    await verifyIdentityWithDevIdp(recovered, carol!.nationalId);
    const replacement = new SoftAuthenticator({ origin: server.baseUrl });
    await registerPasskey(recovered, replacement);
    expect((await recovered.request('DELETE', `/v1/passkeys/${passkeyId}`)).status).toBe(204);
    const remaining = await json<{ passkeys: { id: string }[] }>(await recovered.get('/v1/me'));
    expect(remaining.passkeys).toHaveLength(1);
    // Right after verification even the last one may be removed.
    expect((await recovered.request('DELETE', `/v1/passkeys/${remaining.passkeys[0]!.id}`)).status).toBe(204);
  });
});
