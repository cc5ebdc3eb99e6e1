// The citizen pages: served with a strict CSP, their script parses, and the account page
// carries the controls its script drives (passkeys, linked accounts, linking).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootCa } from '../helpers/pki.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  // Every optional control on: the x509 source with "Sign with NCALayer".
  const anchors = join(mkdtempSync(join(tmpdir(), 'wallet-attest-pages-')), 'anchors.pem');
  writeFileSync(anchors, (await createRootCa()).pem);
  server = await startTestServer({
    IDENTITY_SOURCES: 'dev,x509',
    X509_TRUST_ANCHORS_FILE: anchors,
    X509_REQUIRE_CRL: 'false',
    X509_NCALAYER_URL: 'wss://127.0.0.1:13579',
  });
});
afterAll(() => server.close());

describe('pages', () => {
  it('serves a script that parses and uses only the JSON API', async () => {
    const response = await server.browser().get('/assets/citizen.js');
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    const script = await response.text();
    expect(() => new Function(script)).not.toThrow();
    const paths = [...script.matchAll(/["'`](\/v1\/[a-z0-9/-]+)/g)].map((match) => match[1]);
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths)
      expect(path).toMatch(/^\/v1\/(webauthn|wallets|passkeys|me|session|identity\/x509)/);
  });

  it('has every element the account script looks for', async () => {
    const page = await (await server.browser().get('/account')).text();
    // The ids the script's source looks up (the served bundle is minified).
    const script = readFileSync(new URL('../../src/browser/citizen.ts', import.meta.url), 'utf8');
    const ids = [...script.matchAll(/byId(?:<\w+>)?\('([a-z-]+)'\)|on\('([a-z-]+)'/g)].map(
      (match) => match[1] ?? match[2],
    );
    expect(ids.length).toBeGreaterThan(5);
    const pages =
      page +
      (await (await server.browser().get('/enroll')).text()) +
      (await (await server.browser().get('/')).text());
    for (const id of new Set(ids)) expect(pages, id).toContain(`id="${id}"`);
  });

  it('sends a CSP without inline scripts', async () => {
    const response = await server.browser().get('/account');
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    // Connections go to the service and, when configured, to NCALayer on the citizen's machine.
    expect(response.headers.get('content-security-policy')).toMatch(
      /connect-src 'self' wss:\/\/127\.0\.0\.1:13579(;|$)/,
    );
    expect(await response.text()).not.toMatch(/<script>[^<]/);
  });
});
