// Steps of the citizen flow over real HTTP, shared by the suites.
import { expect } from 'vitest';
import type { TestBrowser } from '../helpers/server.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Dev IdP → callback → enrollment session, as a browser following redirects. */
export async function verifyIdentityWithDevIdp(browser: TestBrowser, nationalId: string): Promise<void> {
  const page = await browser.navigate(`/v1/identity/oidc/start?source=dev&login_hint=${nationalId}`);
  expect(page.status).toBe(200);
  expect(page.url).toMatch(/\/enroll$/);
}

export async function registerPasskey(browser: TestBrowser, authenticator: SoftAuthenticator, name?: string) {
  const options = await browser.post('/v1/webauthn/registration/options');
  expect(options.status).toBe(200);
  const credential = await authenticator.createCredential(await options.json());
  const query = name ? `?name=${encodeURIComponent(name)}` : '';
  const verify = await browser.post(`/v1/webauthn/registration/verify${query}`, credential);
  expect(verify.status, await verify.clone().text()).toBe(200);
  return json<{ passkey: { id: string; name: string }; session: { kind: string } }>(verify);
}

export async function signInWithPasskey(
  browser: TestBrowser,
  authenticator: SoftAuthenticator,
  overrides?: Parameters<SoftAuthenticator['getAssertion']>[1],
): Promise<Response> {
  const options = await browser.post('/v1/webauthn/authentication/options');
  expect(options.status).toBe(200);
  const assertion = await authenticator.getAssertion(await options.json(), overrides);
  return browser.post('/v1/webauthn/authentication/verify', assertion);
}

/** A citizen with one passkey and a full session. */
export async function enrolledCitizen(browser: TestBrowser, nationalId: string, origin: string) {
  const authenticator = new SoftAuthenticator({ origin });
  await verifyIdentityWithDevIdp(browser, nationalId);
  const { passkey } = await registerPasskey(browser, authenticator);
  return { authenticator, passkeyId: passkey.id };
}

export async function expectProblem(response: Response, status: number, slug: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(text) as {
    type: string;
    title: string;
    status: number;
    detail?: string;
    [extension: string]: unknown;
  };
  expect(problem.type).toBe(`https://wallet-attest.example/problems/${slug}`);
  expect(problem.status).toBe(status);
  return problem;
}
