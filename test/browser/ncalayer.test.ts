// "Sign with NCALayer" in a real browser: headless Chromium opens the identity page, which
// asks NCALayer (a fake on loopback speaking its websocket protocol) to sign the challenge
// as CMS with a test PKI citizen's key, posts it to /v1/identity/x509/verify and goes on to
// passkey enrollment. Without Chromium the suite is skipped with a message, except in CI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { t } from '../../src/i18n/catalogue.js';
import { type ChromiumPage, describeInChromium, launchChromiumWithPasskeys } from '../helpers/chromium.js';
import { type NcaLayerFake, startNcaLayerFake } from '../helpers/ncalayerFake.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describeInChromium('signing in with NCALayer in Chromium', () => {
  let server: TestServer;
  let ncalayer: NcaLayerFake;
  let pki: TestPki;
  let page: Page;
  let chromiumPage: ChromiumPage | undefined;
  let dir: string;

  beforeAll(async () => {
    pki = await createTestPki();
    ncalayer = await startNcaLayerFake();
    ncalayer.chain = [pki.intermediate.cert];
    dir = mkdtempSync(join(tmpdir(), 'wallet-attest-pki-'));
    writeFileSync(join(dir, 'anchors.pem'), pki.root.pem);
    writeFileSync(join(dir, 'crls.pem'), pki.rootCrl.pem + pki.crl.pem);
    server = await startTestServer({
      IDENTITY_SOURCES: 'x509',
      X509_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
      X509_CRL_FILES: join(dir, 'crls.pem'),
      X509_NCALAYER_URL: ncalayer.url,
    });
    chromiumPage = await launchChromiumWithPasskeys();
    page = chromiumPage.page;
  }, 60_000);

  afterAll(async () => {
    await chromiumPage?.close();
    await server?.close();
    await ncalayer?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says so when the citizen cancels in NCALayer', async () => {
    ncalayer.citizen = undefined;
    await page.goto(`${server.baseUrl}/`);
    await page.click('#ncalayer-sign');
    const feedback = page.locator('[data-feedback]:has(#ncalayer-sign) > .feedback-slot > .feedback');
    await expect.poll(() => feedback.textContent()).toBe(t('en', 'citizen.ncalayer.cancelled'));
    expect(await feedback.getAttribute('role')).toBe('alert');
    expect(page.url()).toBe(`${server.baseUrl}/`);
  }, 30_000);

  it('signs the challenge in NCALayer, verifies the identity and enrolls a passkey', async () => {
    ncalayer.citizen = pki.citizens.rsa;
    ncalayer.requests.length = 0;
    await page.goto(`${server.baseUrl}/`);
    await page.click('#ncalayer-sign');
    await page.waitForURL(/\/enroll$/);
    expect(ncalayer.requests).toHaveLength(1);
    expect(ncalayer.requests[0]).toMatchObject({
      module: 'kz.gov.pki.knca.basics',
      method: 'sign',
      args: { format: 'cms', signingParams: { encapsulate: true } },
    });
    await page.fill('#passkey-name', 'NCALayer laptop');
    await page.click('#passkey-register');
    await page.waitForURL(/\/account$/);
    await expect.poll(() => page.textContent('#identity')).toContain('АЙГЕРИМ ҚАНАТҚЫЗЫ САПАРОВА');
    expect(await page.textContent('#identity')).toContain(t('en', 'citizen.identity.source.x509'));
    expect(await page.textContent('#identity')).toContain(t('en', 'citizen.identity.level.high'));
  }, 30_000);
});
