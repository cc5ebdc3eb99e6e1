// The citizen pages: served with a strict CSP, their script parses, and the account page
// carries the controls its script drives (passkeys, linked accounts, linking).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('pages', () => {
  it('serves a script that parses and uses only the JSON API', async () => {
    const response = await server.browser().get('/assets/app.js');
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    const script = await response.text();
    expect(() => new Function(script)).not.toThrow();
    const paths = [...script.matchAll(/'(\/v1\/[a-z/-]+)/g)].map((match) => match[1]);
    for (const path of paths) expect(path).toMatch(/^\/v1\/(webauthn|wallets|passkeys|me|session)/);
  });

  it('has every element the account script looks for', async () => {
    const page = await (await server.browser().get('/account')).text();
    const script = await (await server.browser().get('/assets/app.js')).text();
    const ids = [...script.matchAll(/\$\('([a-z-]+)'\)|on\('([a-z-]+)'/g)].map(
      (match) => match[1] ?? match[2],
    );
    const pages =
      page +
      (await (await server.browser().get('/enroll')).text()) +
      (await (await server.browser().get('/')).text());
    for (const id of new Set(ids)) expect(pages, id).toContain(`id="${id}"`);
  });

  it('sends a CSP without inline scripts', async () => {
    const response = await server.browser().get('/account');
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await response.text()).not.toMatch(/<script>[^<]/);
  });
});
