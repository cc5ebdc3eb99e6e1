// The citizens' pages and their main states in Kazakh, Russian and English, in headless
// Chromium: no axe-core violation at 390 and 1280 px, no horizontal overflow at 390 × 844,
// a screenshot of each under test-results/screenshots/<lang>/ (and, with SCREENSHOTS=docs,
// the README's pictures in docs/img/). The people and their states come from
// test/helpers/pageStates.ts; the sign-in path (dev IdP → enrolment → passkey) is walked
// in each language. The console's pages: console.a11y.test.ts.
// Without Chromium the suite is skipped with a message, except in CI (CI=true).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/i18n/locale.js';
import { describeInChromium } from '../helpers/chromium.js';
import { saveDocScreenshot, writeDocScreenshots } from '../helpers/pageChecks.js';
import { PageSweep } from '../helpers/pageSweep.js';

describeInChromium('the citizens’ pages in every language: axe-core, 390 px, screenshots', () => {
  let sweep: PageSweep;

  beforeAll(async () => {
    sweep = await PageSweep.start();
  }, 180_000);
  afterEach(() => sweep.reportFailures());
  afterAll(() => sweep?.close());

  for (const [index, lang] of LOCALES.entries()) {
    describe(lang, () => {
      it('home, signed out', async () => {
        await sweep.asCitizen(lang);
        await sweep.open('/');
        await sweep.check(lang, 'home', 'signed-out');
        if (writeDocScreenshots) await saveDocScreenshot(sweep.page, 'home', lang);
      });

      it('home: the eGov Mobile QR code, the signature awaited, the signing declined', async () => {
        await sweep.asCitizen(lang);
        const { page } = sweep;
        await sweep.open('/');
        await page.click('#egov-mobile-sign');
        await page.waitForFunction(() => {
          const qr = document.querySelector<HTMLImageElement>('#egov-mobile-qr');
          return qr?.offsetParent !== null && qr?.complete && qr.naturalWidth > 0;
        });
        await sweep.check(lang, 'home', 'egov-qr');
        const shownState = await page.textContent('#egov-mobile-state');
        await sweep.sigex.scan();
        await page.waitForFunction(
          (before) => document.querySelector('#egov-mobile-state')?.textContent !== before,
          shownState,
        );
        await sweep.check(lang, 'home', 'egov-scanned');
        sweep.sigex.decline();
        await page.waitForSelector('.egov-mobile [role=alert]:not([hidden])');
        await sweep.check(lang, 'home', 'egov-declined');
      });

      it('dev IdP → enrolment → passkey → the account page with nothing linked', async () => {
        await sweep.enrolThroughDevIdp(index, lang, true);
        await sweep.check(lang, 'account', 'empty');
        // Removing the only passkey asks first, with a warning; renaming happens in place.
        const { page } = sweep;
        await page.click('#passkeys [data-action="passkey-remove"]');
        await page.waitForSelector('#passkeys .confirm');
        await sweep.check(lang, 'account', 'remove-last-passkey');
        await page.click('#passkeys .confirm [data-confirm="no"]');
        await page.click('#passkeys [data-action="passkey-rename"]');
        await page.waitForSelector('#passkeys input:focus');
        await sweep.check(lang, 'account', 'rename-passkey');
      }, 60_000);

      it('the account page with linked accounts', async () => {
        await sweep.asCitizen(lang, sweep.people.linked.token);
        await sweep.open('/account');
        await expect.poll(() => sweep.page.locator('#bindings li').count()).toBe(3);
        await sweep.check(lang, 'account', 'linked');
        if (writeDocScreenshots) await saveDocScreenshot(sweep.page, 'account', lang, { from: '#bindings' });
        // Every disclosure open (the manual link form and whatever else folds away).
        await sweep.page.evaluate(() => {
          for (const details of document.querySelectorAll('details')) details.open = true;
        });
        await sweep.check(lang, 'account', 'linked-expanded');
        await sweep.page.click('#bindings li >> nth=0 >> [data-action="binding-unlink"]');
        await sweep.page.waitForSelector('#bindings .confirm');
        await sweep.check(lang, 'account', 'unlink-confirmation');
      });

      it('the account page with a suspended binding and an unlinked one', async () => {
        await sweep.asCitizen(lang, sweep.people.suspendedBinding.token);
        await sweep.open('/account');
        await expect.poll(() => sweep.page.locator('li[data-binding-id]').count()).toBe(3);
        await sweep.check(lang, 'account', 'suspended-binding');
      });

      it('the activity page: a regulator’s suspension of one of the accounts', async () => {
        await sweep.asCitizen(lang, sweep.people.suspendedBinding.token);
        await sweep.open('/activity');
        await expect
          .poll(() => sweep.page.locator('#official-access .activity-item').count())
          .toBeGreaterThan(0);
        await sweep.check(lang, 'activity', 'suspension');
      });

      it('the account page of a suspended identity', async () => {
        await sweep.asCitizen(lang, sweep.people.suspendedIdentity.token);
        await sweep.open('/account');
        await sweep.check(lang, 'account', 'suspended-identity');
      });

      it('the account page of a revoked identity', async () => {
        await sweep.asCitizen(lang, sweep.people.revokedIdentity.token);
        await sweep.open('/account');
        await sweep.check(lang, 'account', 'revoked-identity');
      });

      it('the error pages: an unknown page, a stale sign-in callback', async () => {
        await sweep.asCitizen(lang);
        await sweep.open('/no-such-page', 404);
        await sweep.check(lang, 'error', 'not-found');
        await sweep.open('/v1/identity/oidc/callback?state=stale&code=stale', 400);
        await sweep.check(lang, 'error', 'stale-callback');
      });
    });
  }
});
