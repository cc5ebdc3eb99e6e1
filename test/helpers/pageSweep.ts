// What the page sweeps (test/browser/*.a11y.test.ts) share: the product with every way to
// verify on its home page (the dev IdP, and eGov Mobile through a SIGEX fake), the people
// of pageStates.ts, two Chromiums, and the steps of visiting a page in a language and
// checking it (pageChecks.ts), whose failures are collected per test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { cookiePolicy } from '../../src/http/cookies.js';
import { TEST_PERSONS } from '../../src/http/devIdp/testPersons.js';
import { LANGUAGE_COOKIE, type Locale } from '../../src/i18n/locale.js';
import { silentLogger } from '../../src/observability/logger.js';
import { type BackgroundWork, startBackgroundWork } from '../../src/runtime/backgroundWork.js';
import { setRegulatorRole } from '../../src/services/regulator.js';
import { type ChromiumPage, launchChromiumWithPasskeys } from './chromium.js';
import { checkPage, type PageCheckOptions } from './pageChecks.js';
import { type PageStates, SWEEP_CHAINS, seedPageStates } from './pageStates.js';
import { createTestPki } from './pki.js';
import { TEST_ACCESS } from './regulatorAccess.js';
import { startTestServer, type TestServer } from './server.js';
import { type SigexFake, startSigexFake } from './sigexFake.js';

/** The dev IdP's test person who is the console's officer (the citizens' sweep uses 0–2). */
const OFFICER_PERSON = 3;

// Cookies as the service sets them on http://localhost (where __Host- cookies are allowed).
const ON_THIS_HOST = { domain: 'localhost', path: '/', secure: true, sameSite: 'Lax' } as const;

export class PageSweep {
  page!: Page;
  private context!: BrowserContext;
  private readonly pageErrors: string[] = [];
  private readonly failures: string[] = [];
  private readonly sessionCookie: string;
  private readonly openCaseCookie: string;

  private constructor(
    readonly server: TestServer,
    readonly sigex: SigexFake,
    readonly people: PageStates,
    /** Every test person of the sweep has a passkey in it. */
    private readonly citizenBrowser: ChromiumPage,
    /**
     * The officer's own browser, whose only passkey is the officer's, so the console's
     * step-up cannot be answered with someone else's credential.
     */
    private readonly officerBrowser: ChromiumPage,
    private readonly cleanUp: () => Promise<void>,
  ) {
    this.sessionCookie = cookiePolicy(server.assembled.services.config).session;
    this.openCaseCookie = cookiePolicy(server.assembled.services.config).openCase;
    for (const browser of [citizenBrowser, officerBrowser]) {
      // A missing element fails its test in seconds rather than at the test's timeout.
      browser.page.setDefaultTimeout(10_000);
      browser.page.on('pageerror', (error) => this.pageErrors.push(error.message));
    }
    this.use(citizenBrowser);
  }

  static async start(): Promise<PageSweep> {
    const pki = await createTestPki();
    const sigex = await startSigexFake();
    const pkiDir = mkdtempSync(join(tmpdir(), 'wallet-attest-pki-'));
    writeFileSync(join(pkiDir, 'anchors.pem'), pki.root.pem);
    writeFileSync(join(pkiDir, 'crls.pem'), pki.rootCrl.pem + pki.crl.pem);
    const server = await startTestServer({
      CHAINS: SWEEP_CHAINS,
      IDENTITY_SOURCES: 'dev,x509',
      X509_TRUST_ANCHORS_FILE: join(pkiDir, 'anchors.pem'),
      X509_CRL_FILES: join(pkiDir, 'crls.pem'),
      SIGEX_URL: sigex.url,
      SIGEX_POLL_SECONDS: '5',
    });
    const work: BackgroundWork = startBackgroundWork(server.assembled.services, {
      logger: silentLogger,
      intervalMs: 50,
    });
    const citizenBrowser = await launchChromiumWithPasskeys();
    const officerBrowser = await launchChromiumWithPasskeys();
    const people = await seedPageStates(server);
    const sweep = new PageSweep(server, sigex, people, citizenBrowser, officerBrowser, async () => {
      await citizenBrowser.close();
      await officerBrowser.close();
      await work.stop();
      await server.close();
      await sigex.close();
      rmSync(pkiDir, { recursive: true, force: true });
    });
    return sweep;
  }

  /** The console's officer: signs in through the dev IdP in the officer's browser, then gets the role. */
  async enrolOfficer(): Promise<void> {
    this.use(this.officerBrowser);
    await this.enrolThroughDevIdp(OFFICER_PERSON);
    await setRegulatorRole(this.server.assembled.services, TEST_PERSONS[OFFICER_PERSON]!.nationalId, true);
    this.use(this.citizenBrowser);
  }

  close(): Promise<void> {
    return this.cleanUp();
  }

  private use(browser: ChromiumPage) {
    this.page = browser.page;
    this.context = browser.context;
  }

  /** The citizens' browser with only the language cookie, and the session of `token` if given. */
  async asCitizen(lang: Locale, token?: string) {
    this.use(this.citizenBrowser);
    await this.resetCookies(lang, token);
  }

  private async resetCookies(lang: Locale, token?: string) {
    this.pageErrors.length = 0;
    await this.context.clearCookies();
    await this.context.addCookies([
      { name: LANGUAGE_COOKIE, value: lang, ...ON_THIS_HOST },
      ...(token ? [{ name: this.sessionCookie, value: token, ...ON_THIS_HOST, httpOnly: true }] : []),
    ]);
  }

  /**
   * The officer's browser in a language, with a case open (or, with `openCase: false`,
   * none). Its session cookie stays as the service last set it: a passkey step-up
   * replaces the session, so the first one's token would be stale.
   */
  async asOfficer(lang: Locale, options: { openCase?: boolean } = {}) {
    this.use(this.officerBrowser);
    this.pageErrors.length = 0;
    await this.context.clearCookies({ name: this.openCaseCookie });
    await this.context.addCookies([
      { name: LANGUAGE_COOKIE, value: lang, ...ON_THIS_HOST },
      ...(options.openCase === false
        ? []
        : [
            {
              name: this.openCaseCookie,
              value: encodeURIComponent(`${TEST_ACCESS.purpose}|${TEST_ACCESS.caseReference}`),
              ...ON_THIS_HOST,
              httpOnly: true,
            },
          ]),
    ]);
  }

  /** Opens a page and waits until its script has fetched what it shows. */
  async open(path: string, expectedStatus = 200) {
    const response = await this.page.goto(`${this.server.baseUrl}${path}`);
    expect(response?.status(), `GET ${path}`).toBe(expectedStatus);
    await this.settle();
  }

  settle() {
    return this.page.waitForLoadState('networkidle');
  }

  /**
   * The checks of pageChecks.ts, after asserting the page speaks the language asked for.
   * Failures are kept until `reportFailures` (after each test), so that every state of a
   * test is still visited and photographed.
   */
  async check(lang: Locale, name: string, state: string, options: PageCheckOptions = {}) {
    const label = `${name} (${state}, ${lang})`;
    const htmlLang = await this.page.getAttribute('html', 'lang');
    if (htmlLang !== lang) this.failures.push(`${label}: <html lang="${htmlLang}">, not "${lang}"`);
    try {
      await checkPage(this.page, { lang, page: name, state }, options);
    } catch (error) {
      this.failures.push((error as Error).message);
    }
    if (this.pageErrors.length) {
      this.failures.push(`${label}: script errors: ${this.pageErrors.splice(0).join('; ')}`);
    }
  }

  reportFailures() {
    const found = this.failures.splice(0);
    if (found.length) throw new Error(found.join('\n\n'));
  }

  /** Dev IdP → enrolment → passkey for a test person; with `shots`, checks both pages on the way. */
  async enrolThroughDevIdp(person: number, lang: Locale = 'en', shots = false): Promise<void> {
    await this.resetCookies(lang);
    await this.open('/');
    await this.page.click('a[href*="source=dev"]');
    await this.page.waitForSelector('button[name="person"]');
    await this.settle();
    // The service asks the IdP for its page's language (ui_locales), and the dev IdP honours it.
    if (shots) await this.check(lang, 'dev-idp', 'pick-person');
    await this.page.click(`button[name="person"] >> nth=${person}`);
    await this.page.waitForURL(/\/enroll$/);
    await this.settle();
    if (shots) await this.check(lang, 'enroll', 'verified');
    const name = `Phone ${person}`;
    await this.page.fill('#passkey-name', name);
    await this.page.click('#passkey-register');
    await this.page.waitForURL(/\/account$/);
    await this.settle();
    await this.page.locator('#passkeys', { hasText: name }).waitFor();
  }
}
