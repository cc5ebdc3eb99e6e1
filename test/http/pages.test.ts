// The citizen pages over HTTP: each page needs its kind of session and redirects to the
// right one otherwise; every page answers in the chosen language (html lang,
// Content-Language, the switcher that remembers the choice); the account page tells a
// regulator's suspension and revocation with reason, date and next step, as GET /v1/me
// does; the pages are served with a strict CSP and a script that uses only the JSON API.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookiePolicy } from '../../src/http/cookies.js';
import { pageDate } from '../../src/http/pages/citizen/page.js';
import { t } from '../../src/i18n/catalogue.js';
import { LOCALES } from '../../src/i18n/locale.js';
import { applyRegulatorAction } from '../../src/services/regulator.js';
import { startSession } from '../../src/services/sessions.js';
import { createRootCa } from '../helpers/pki.js';
import { TEST_ACCESS } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { json } from './citizenFlow.js';
import { type BindingJson, browserFor, linkEoa, signedInCitizens } from './walletFlow.js';

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

const html = { accept: 'text/html' };

async function page(browser: TestBrowser, path: string, headers: Record<string, string> = html) {
  const response = await browser.get(path, { headers });
  expect(response.status, path).toBe(200);
  return { response, text: await response.text() };
}

/** A browser with an enrollment session: identity verified, no passkey yet. */
async function enrollingBrowser(): Promise<TestBrowser> {
  const [citizen] = await signedInCitizens(server, 1);
  const services = server.assembled.services;
  const { token } = await services.units.run((trx) =>
    startSession(services, trx, { identityId: citizen!.identityId, kind: 'enrollment' }),
  );
  const browser = server.browser();
  browser.cookies.set(cookiePolicy(services.config).session, token);
  return browser;
}

function expectRedirect(response: Response, to: string) {
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe(to);
}

describe('session redirects', () => {
  it('sends a visitor without a session from /account and /enroll to the home page', async () => {
    const browser = server.browser();
    expectRedirect(await browser.get('/account', { headers: html }), '/');
    expectRedirect(await browser.get('/enroll', { headers: html }), '/');
    expectRedirect(await browser.get('/activity', { headers: html }), '/');
    await page(browser, '/');
  });

  it('sends an enrollment session to /enroll, from the home page and the account page', async () => {
    const browser = await enrollingBrowser();
    expectRedirect(await browser.get('/', { headers: html }), '/enroll');
    expectRedirect(await browser.get('/account', { headers: html }), '/enroll');
    expectRedirect(await browser.get('/activity', { headers: html }), '/enroll');
    const { text } = await page(browser, '/enroll');
    expect(text).toContain(t('en', 'citizen.enroll.heading'));
    // A way out of the enrollment: signing out, which leads back to the home page.
    expect(text).toContain('id="sign-out"');
    expect((await browser.post('/v1/session/logout')).status).toBe(204);
    await page(browser, '/');
  });

  it('sends a signed-in citizen from the home page and /enroll to the account', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    expectRedirect(await citizen!.browser.get('/', { headers: html }), '/account');
    expectRedirect(await citizen!.browser.get('/enroll', { headers: html }), '/account');
    const { response, text } = await page(citizen!.browser, '/account');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(text).toContain('id="identity" data-status="active"');
  });
});

describe('languages', () => {
  it.each(LOCALES)(
    'answers in %s by Accept-Language, with html lang and Content-Language',
    async (locale) => {
      const { response, text } = await page(server.browser(), '/', { ...html, 'accept-language': locale });
      expect(response.headers.get('content-language')).toBe(locale);
      expect(text).toContain(`<html lang="${locale}">`);
      expect(text).toContain(t(locale, 'citizen.home.heading'));
      // The script gets the page's messages in the same language.
      expect(text).toContain(JSON.stringify(t(locale, 'citizen.webauthn.cancelled')).slice(1, -1));
    },
  );

  it('switches the language with the switcher, remembers it and keeps the address', async () => {
    const browser = server.browser();
    const { text } = await page(browser, '/', { ...html, 'accept-language': 'en' });
    expect(text).toContain('href="/?lang=kk"');
    expect(text).toContain('href="/?lang=ru"');
    const switched = await browser.get('/?lang=kk', { headers: html });
    expectRedirect(switched, '/');
    const again = await page(browser, '/', { ...html, 'accept-language': 'en' });
    expect(again.response.headers.get('content-language')).toBe('kk');
    expect(again.text).toContain(t('kk', 'citizen.home.signIn'));
  });
});

describe('the account page and GET /v1/me tell a regulator’s decisions', () => {
  it('shows a suspension with its reason, date and next step, and a revoked identity with its block', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const { browser, identityId } = citizen!;
    const binding = await linkEoa(browser, privateKeyToAccount(generatePrivateKey()));
    const officer = { id: 'officer-1', via: 'officer' as const, access: TEST_ACCESS };
    const services = server.assembled.services;
    await applyRegulatorAction(services, officer, 'suspend', {
      target: { account: binding.account },
      reason: 'court_order',
      legalReference: 'Case 2-123/2026',
    });

    const me = await json<{ bindings: BindingJson[]; identity: Record<string, unknown> }>(
      await browser.get('/v1/me'),
    );
    expect(me.bindings[0]).toMatchObject({ status: 'suspended', suspensionReason: 'court_order' });
    expect(me.bindings[0]).not.toHaveProperty('revocationReason');
    expect(me.identity).not.toHaveProperty('linkBlock');

    const suspended = (await page(browser, '/account', { ...html, 'accept-language': 'ru' })).text;
    expect(suspended).toContain(`data-binding-id="${binding.id}" data-status="suspended"`);
    expect(suspended).toContain(t('ru', 'citizen.bindings.suspendedNext'));
    expect(suspended).toContain(t('ru', 'citizen.reason.court_order'));
    // Every live link suspended: the identity says so.
    expect(suspended).toContain('id="identity" data-status="suspended"');
    expect(suspended).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);

    await applyRegulatorAction(services, officer, 'revoke', {
      target: { identity: identityId },
      reason: 'fraud',
      legalReference: 'Order 7',
    });
    const revoked = await json<{ bindings: BindingJson[]; identity: { linkBlock?: { reason: string } } }>(
      await browser.get('/v1/me'),
    );
    expect(revoked.identity.linkBlock?.reason).toBe('fraud');
    expect(revoked.bindings[0]).toMatchObject({ status: 'revoked', revocationReason: 'fraud' });
    const blocked = (await page(browser, '/account', { ...html, 'accept-language': 'kk' })).text;
    expect(blocked).toContain('id="identity" data-status="revoked"');
    expect(blocked).toMatch(/id="identity-notice"[^>]*role="alert"/);
    expect(blocked).toContain(t('kk', 'citizen.identity.revokedNext'));
    expect(blocked).toContain(t('kk', 'citizen.link.blocked'));
    expect(blocked).not.toContain('id="link-wallet"');
    // The ended link sits in the history, not among the live ones.
    const history = blocked.slice(blocked.indexOf('id="bindings-history"'));
    expect(history).toContain(`data-binding-id="${binding.id}" data-status="revoked"`);
    expect(history).toContain(t('kk', 'citizen.bindings.revokedNext'));
    expect(server.contractViolations).toEqual([]);
  });

  it('offers Renew only inside the renewal window', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const binding = await linkEoa(citizen!.browser, privateKeyToAccount(generatePrivateKey()));
    const item = (text: string) =>
      text.slice(text.indexOf(`data-binding-id="${binding.id}"`)).split('</li>')[0]!;
    const { bindings } = await json<{ bindings: (BindingJson & { attestation: { expiresAt: string } })[] }>(
      await citizen!.browser.get('/v1/me'),
    );
    const windowMs = server.assembled.services.config.attestations.renewalWindowSeconds * 1000;
    const opens = new Date(new Date(bindings[0]!.attestation.expiresAt).getTime() - windowMs);
    const fresh = item((await page(citizen!.browser, '/account')).text);
    expect(fresh).not.toContain('data-action="binding-renew"');
    expect(fresh).toContain(
      t('en', 'citizen.bindings.renewFrom', { date: pageDate('en', opens.toISOString()) }),
    );
    const offset = opens.getTime() + 1000 - server.clock.now().getTime();
    server.clock.offsetMs += offset;
    try {
      // A session of that later day (the first one has long expired).
      const later = await browserFor(server, citizen!.identityId);
      const due = item((await page(later, '/account')).text);
      expect(due).toContain('data-action="binding-renew"');
      expect(due).not.toContain(t('en', 'citizen.bindings.renewFrom', { date: '' }).trim());
    } finally {
      server.clock.offsetMs -= offset;
    }
  });
});

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
    // No native dialogs: confirmations and renaming happen in the page.
    expect(script).not.toMatch(/\b(prompt|confirm|alert)\(/);
  });

  it('has every control the script is wired to', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const enrolling = await enrollingBrowser();
    const pages =
      (await page(citizen!.browser, '/account')).text +
      (await page(enrolling, '/enroll')).text +
      (await page(server.browser(), '/')).text;
    // The ids the entry's action table and the modules' byId() name (the bundle is minified).
    const sources = [
      'citizen.ts',
      'lib/manualLink.ts',
      'lib/passkeys.ts',
      'lib/webauthn.ts',
      'lib/accounts.ts',
    ]
      .map((file) => readFileSync(new URL(`../../src/browser/${file}`, import.meta.url), 'utf8'))
      .join('\n');
    const ids = [...sources.matchAll(/byId(?:<\w+>)?\('([a-z-]+)'\)|^ {2}'([a-z-]+)': /gm)].map(
      (match) => match[1] ?? match[2],
    );
    expect(ids.length).toBeGreaterThan(15);
    // Item actions (rename, remove, renew, unlink) are on list items; the browser suite drives them.
    const items = new Set(['passkey-rename', 'passkey-remove', 'binding-renew', 'binding-unlink']);
    for (const id of new Set(ids)) if (!items.has(id!)) expect(pages, id).toContain(`id="${id}"`);
  });

  it('sends a CSP without inline scripts', async () => {
    const response = await server.browser().get('/', { headers: html });
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    // Connections go to the service and, when configured, to NCALayer on the citizen's machine.
    expect(response.headers.get('content-security-policy')).toMatch(
      /connect-src 'self' wss:\/\/127\.0\.0\.1:13579(;|$)/,
    );
    const text = await response.text();
    expect(text).not.toMatch(/<script>[^<]/);
    expect(text).not.toMatch(/ style="/);
  });
});
