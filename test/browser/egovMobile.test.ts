// "Sign with eGov Mobile" in a real browser: headless Chromium opens the home page and
// clicks the button; the service registers a QR signing with a SIGEX fake (loopback HTTP,
// SIGEX's protocol) and the page shows the QR code; the test plays the citizen's phone
// (scans, then signs the challenge with a test PKI citizen's key), and the page follows the
// signing to passkey enrollment. Without Chromium the suite is skipped with a message,
// except in CI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { type BackgroundWork, startBackgroundWork } from '../../src/runtime/backgroundWork.js';
import { type ChromiumPage, describeInChromium, launchChromiumWithPasskeys } from '../helpers/chromium.js';
import { checkPage } from '../helpers/pageChecks.js';
import { createTestPki, signChallengeCms, type TestCitizen, type TestPki } from '../helpers/pki.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { type PhoneSigner, type SigexFake, startSigexFake } from '../helpers/sigexFake.js';

describeInChromium('signing in with eGov Mobile in Chromium', () => {
  let server: TestServer;
  let work: BackgroundWork;
  let sigex: SigexFake;
  let pki: TestPki;
  let page: Page;
  let chromiumPage: ChromiumPage | undefined;
  let dir: string;

  const phoneOf =
    (citizen: TestCitizen): PhoneSigner =>
    (data) =>
      signChallengeCms({
        challenge: data,
        signerKey: citizen.keys.privateKey,
        signerCert: citizen.cert,
        extraCerts: [pki.intermediate.cert],
        detached: true,
      });

  /** The QR code the page shows, once it has loaded: SIGEX's PNG, decoded by the browser. */
  const shownQr = () =>
    page.$eval('#egov-mobile-qr', (img) => {
      const image = img as HTMLImageElement;
      return image.offsetParent !== null && image.complete ? image.naturalWidth : 0;
    });

  beforeAll(async () => {
    pki = await createTestPki();
    sigex = await startSigexFake();
    dir = mkdtempSync(join(tmpdir(), 'wallet-attest-pki-'));
    writeFileSync(join(dir, 'anchors.pem'), pki.root.pem);
    writeFileSync(join(dir, 'crls.pem'), pki.rootCrl.pem + pki.crl.pem);
    server = await startTestServer({
      IDENTITY_SOURCES: 'x509',
      X509_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
      X509_CRL_FILES: join(dir, 'crls.pem'),
      SIGEX_URL: sigex.url,
      SIGEX_POLL_SECONDS: '5',
    });
    work = startBackgroundWork(server.assembled.services, { logger: silentLogger, intervalMs: 50 });
    chromiumPage = await launchChromiumWithPasskeys();
    page = chromiumPage.page;
  }, 60_000);

  afterAll(async () => {
    await chromiumPage?.close();
    await work?.stop();
    await server?.close();
    await sigex?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says so when the citizen declines in eGov Mobile, and offers a new QR code', async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.click('#egov-mobile-sign');
    await expect.poll(shownQr, { timeout: 10_000 }).toBeGreaterThan(0);
    await sigex.scan();
    sigex.decline();
    await expect
      .poll(() => page.textContent('.egov-mobile [role=alert]'), { timeout: 10_000 })
      .toContain('Signing with eGov Mobile did not succeed');
    expect(await page.isHidden('#egov-mobile-panel')).toBe(true);
    expect(await page.textContent('#egov-mobile-sign')).toBe('Show a new QR code');
    expect(page.url()).toBe(`${server.baseUrl}/`);
  }, 30_000);

  it('shows the QR code, follows the signing in eGov Mobile and goes on to enrollment', async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.click('#egov-mobile-sign');
    await expect.poll(shownQr, { timeout: 10_000 }).toBe(126);
    expect(await page.getAttribute('#egov-mobile-launch a', 'href')).toMatch(
      /^https:\/\/mgovsign\.page\.link\//,
    );
    expect(await page.textContent('#egov-mobile-state')).toContain('scan this code');
    // Accessible and fitting a phone with the QR code shown (the phone is where the link is for).
    await checkPage(page, { lang: 'en', page: 'home', state: 'egov-mobile-qr' });

    // The phone scans: the page says to confirm in the app, and the used QR code goes.
    await sigex.scan();
    await expect
      .poll(() => page.textContent('#egov-mobile-state'), { timeout: 10_000 })
      .toContain('Confirm the signature in the app');
    expect(await page.isHidden('#egov-mobile-qr')).toBe(true);
    await checkPage(page, { lang: 'en', page: 'home', state: 'egov-mobile-scanned' });

    await sigex.sign(phoneOf(pki.citizens.rsa));
    await page.waitForURL(/\/enroll$/, { timeout: 15_000 });
    await page.fill('#passkey-name', 'eGov Mobile laptop');
    await page.click('#passkey-register');
    await page.waitForURL(/\/account$/);
    await expect.poll(() => page.textContent('#identity')).toContain('АЙГЕРИМ');
  }, 45_000);

  it('speaks the page’s language: the button and the texts in Kazakh', async () => {
    // A visitor who is not signed in (the citizen above now has a session).
    await chromiumPage!.context.clearCookies();
    await page.goto(`${server.baseUrl}/?lang=kk`);
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('kk');
    expect(await page.textContent('#egov-mobile-sign')).toBe('eGov Mobile арқылы қол қою');
    expect(await page.getAttribute('#egov-mobile-qr', 'alt')).toBe(
      'eGov Mobile арқылы сканерлеуге арналған QR-код',
    );
  }, 30_000);
});
