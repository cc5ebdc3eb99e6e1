// The dev IdP behind a load balancer: a code issued by one instance redeems on the other,
// once, before it expires, and the database holds only its hash and a sealed grant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, toBase64Url } from '../../src/domain/encoding.js';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';
import { DEV_CLIENT_ID } from '../../src/runtime/buildApp.js';
import type { TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { type InstancePair, startInstancePair } from './instances.js';

const VERIFIER = 'a-pkce-code-verifier-of-more-than-43-characters-0123456789';
const PERSON = TEST_PERSONS[2]!;

let pair: InstancePair;
beforeAll(async () => {
  pair = await startInstancePair();
});
afterAll(() => pair?.close());

/** Both instances answer for one public URL, a's. */
const redirectUri = () => `${pair.a.baseUrl}/v1/identity/oidc/callback`;

/** An authorization on `server` that names its person, so it answers with a code at once. */
async function codeFrom(server: TestServer): Promise<string> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: DEV_CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: 'openid profile',
    state: 'the-state',
    nonce: 'the-nonce',
    code_challenge: toBase64Url(await sha256(VERIFIER)),
    code_challenge_method: 'S256',
    login_hint: PERSON.nationalId,
  });
  const response = await fetch(`${server.baseUrl}/dev-idp/authorize?${query}`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const code = new URL(response.headers.get('location')!).searchParams.get('code');
  expect(code).toBeTruthy();
  return code!;
}

function redeemOn(server: TestServer, code: string) {
  return fetch(`${server.baseUrl}/dev-idp/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: DEV_CLIENT_ID,
      redirect_uri: redirectUri(),
      code_verifier: VERIFIER,
      code,
    }),
  });
}

describe('the dev IdP on several instances', () => {
  it('finishes on one instance a sign-in started on the other', async () => {
    const browser = pair.a.browser();
    let response = await browser.get(`/v1/identity/oidc/start?source=dev&login_hint=${PERSON.nationalId}`);
    // a's redirects (to its IdP, then back with the code), followed on a ...
    for (let hop = 0; response.status === 302 && hop < 5; hop++) {
      const location = new URL(response.headers.get('location')!);
      if (location.pathname === '/v1/identity/oidc/callback') break;
      response = await browser.get(location.toString());
    }
    const callback = new URL(response.headers.get('location')!);
    expect(callback.pathname).toBe('/v1/identity/oidc/callback');
    expect(callback.searchParams.get('code')).toBeTruthy();
    // ... and the callback served by b, which redeems a's code at its own dev IdP.
    const finished = await browser.get(`${pair.b.baseUrl}${callback.pathname}${callback.search}`);
    expect(finished.status, await finished.clone().text()).toBe(303);
    expect(finished.headers.get('location')).toBe('/enroll');
    // The enrollment session it started serves the next step, on either instance.
    for (const server of [pair.b, pair.a]) {
      const options = await browser.post(`${server.baseUrl}/v1/webauthn/registration/options`);
      expect(options.status).toBe(200);
    }
  });

  it('redeems a code once, whichever instances are asked at the same moment', async () => {
    const code = await codeFrom(pair.a);
    const answers = await Promise.all([
      redeemOn(pair.b, code),
      redeemOn(pair.a, code),
      redeemOn(pair.b, code),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400]);
    const refused = answers.find((answer) => answer.status === 400)!;
    expect(await json(refused)).toMatchObject({ error: 'invalid_grant' });
    // The access token of the one that succeeded works at either instance's UserInfo.
    const { access_token } = await json<{ access_token: string }>(answers.find((a) => a.status === 200)!);
    for (const server of [pair.a, pair.b]) {
      const userinfo = await fetch(`${server.baseUrl}/dev-idp/userinfo`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(userinfo.status).toBe(200);
      expect(await json(userinfo)).toMatchObject({ national_id: PERSON.nationalId });
    }
  });

  it('refuses a code past its lifetime on the other instance', async () => {
    const code = await codeFrom(pair.a);
    pair.b.clock.advance(61);
    try {
      const late = await redeemOn(pair.b, code);
      expect(late.status).toBe(400);
      expect(await json(late)).toMatchObject({ error: 'invalid_grant' });
    } finally {
      pair.b.clock.advance(-61);
    }
  });

  it('keeps only hashes of the values and sealed grants', async () => {
    const code = await codeFrom(pair.a);
    const redeemed = await json<{ access_token: string }>(await redeemOn(pair.b, await codeFrom(pair.b)));
    const rows = await pair.a.assembled.db.selectFrom('dev_idp_grants').selectAll().execute();
    const stored = JSON.stringify(rows);
    expect(rows.some((row) => row.kind === 'code')).toBe(true);
    expect(rows.some((row) => row.kind === 'access_token')).toBe(true);
    for (const secret of [code, redeemed.access_token, PERSON.nationalId, PERSON.familyName]) {
      expect(stored).not.toContain(secret);
    }
  });
});
