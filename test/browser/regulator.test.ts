// The regulator journey in Chromium, in Kazakh, Russian and English: an officer (made with
// the same service function as `npm run cli -- regulators add`) signs in to the console
// with a passkey, finds a citizen by national ID, suspends their account with a reason and
// a legal reference (the confirmation step shows what will change), the citizen sees the
// suspension with its reason, an exchange's lookup sees `suspended`, the officer
// reinstates, then revokes the identity (carried out once a second officer, in a browser of
// their own, approves it on the approvals page), and the citizen sees the block; a conflict report
// is resolved from the console. Every action is confirmed with a fresh passkey assertion.
import { type Browser, chromium, type Page } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cookiePolicy } from '../../src/http/cookies.js';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';
import type { Locale } from '../../src/i18n/locale.js';
import { setRegulatorRole } from '../../src/services/regulator.js';
import { api, apiClient, citizenWithAccounts } from '../exchange/exchangeFlow.js';
import {
  CHROMIUM,
  type ChromiumPage,
  describeInChromium,
  launchChromiumWithPasskeys,
} from '../helpers/chromium.js';
import { checkPage } from '../helpers/pageChecks.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { askChallenge, signedInCitizens, submitSignature } from '../http/walletFlow.js';

/** Words each language's console shows, to check the page really is in that language. */
const WORDS: Record<Locale, { search: string; suspended: string; fraud: string }> = {
  kk: { search: 'Адамды немесе шотты табу', suspended: 'тоқтатылған', fraud: 'Алаяқтық' },
  ru: { search: 'Найти человека или счёт', suspended: 'приостановлен', fraud: 'Мошенничество' },
  en: { search: 'Find a person or an account', suspended: 'suspended', fraud: 'Fraud' },
};

describeInChromium('the regulator console in Chromium', () => {
  let server: TestServer;
  let officerBrowser: ChromiumPage | undefined;
  let officer: Page;
  /** The second officer, in a browser of their own, who approves the four-eyes actions. */
  let secondBrowser: ChromiumPage | undefined;
  let second: Page;
  let citizenBrowser: Browser | undefined;
  let exchange: { key: string };
  const officerPerson = TEST_PERSONS[0]!;
  const secondPerson = TEST_PERSONS[1]!;
  /** What could not be seen on the citizen's page and was checked through /v1/me instead. */
  const checkedThroughApi: string[] = [];

  /**
   * A person verifies with the dev IdP and registers a passkey in their browser, as a
   * newcomer would, and the operator gives them the role (what `regulators add` runs).
   */
  async function becomeOfficer(page: Page, nationalId: string, passkeyName: string) {
    await page.goto(`${server.baseUrl}/v1/identity/oidc/start?source=dev&login_hint=${nationalId}`);
    await page.waitForURL(/\/enroll$/);
    await page.fill('#passkey-name', passkeyName);
    await page.click('#passkey-register');
    await page.waitForURL(/\/account$/);
    await setRegulatorRole(server.assembled.services, nationalId, true);
  }

  beforeAll(async () => {
    server = await startTestServer();
    exchange = await apiClient(server, ['attestations:read']);
    officerBrowser = await launchChromiumWithPasskeys();
    officer = officerBrowser.page;
    await becomeOfficer(officer, officerPerson.nationalId, 'Office laptop');
    // A second officer the same way, for the actions that need two (four eyes).
    secondBrowser = await launchChromiumWithPasskeys();
    second = secondBrowser.page;
    await becomeOfficer(second, secondPerson.nationalId, 'Second office laptop');
    citizenBrowser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 90_000);

  afterAll(async () => {
    if (checkedThroughApi.length) console.info(`Checked through /v1/me: ${checkedThroughApi.join('; ')}`);
    await citizenBrowser?.close();
    await officerBrowser?.close();
    await secondBrowser?.close();
    await server?.close();
  });

  /** The citizen's own browser, signed in with the session the HTTP helpers opened. */
  async function citizenPage(browser: TestBrowser, locale: Locale) {
    const context = await citizenBrowser!.newContext({ locale });
    const name = cookiePolicy(server.assembled.services.config).session;
    await context.addCookies([
      // A __Host- cookie is Secure with path / and no domain attribute (localhost counts as secure).
      {
        name,
        value: browser.cookies.get(name)!,
        domain: 'localhost',
        path: '/',
        secure: true,
        httpOnly: true,
      },
      { name: 'lang', value: locale, domain: 'localhost', path: '/' },
    ]);
    return { context, page: await context.newPage() };
  }

  async function signInToConsole(locale: Locale, officer: Page = firstOfficer()) {
    await officer.context().clearCookies();
    await officer.goto(`${server.baseUrl}/regulator?lang=${locale}`);
    await officer.waitForURL(/\/regulator\/sign-in\?next=%2Fregulator$/);
    expect(await officer.getAttribute('html', 'lang')).toBe(locale);
    await checkPage(officer, { lang: locale, page: 'regulator-sign-in', state: 'signed-out' });
    await officer.click('#console-sign-in');
    await officer.waitForURL(`${server.baseUrl}/regulator`);
    expect(await officer.textContent('h1')).toBe(WORDS[locale].search);
    // No case is open yet: the officer states the purpose and the case before searching.
    await officer.click('#open-case a');
    await officer.waitForURL(/\/regulator\/case\?next=%2Fregulator$/);
    await officer.selectOption('#case-purpose', 'aml_investigation');
    await officer.fill('#case-reference', 'AFM-2026/00123');
    await checkPage(officer, { lang: locale, page: 'regulator-case', state: 'filled' });
    await officer.click('#case-submit');
    await officer.waitForURL(`${server.baseUrl}/regulator`);
    expect(await officer.textContent('#open-case .case-reference')).toBe('AFM-2026/00123');
  }

  const firstOfficer = () => officer;

  /** The second officer approves the one pending action of this kind on the approvals page. */
  async function approveAsSecondOfficer(locale: Locale, kind: string) {
    await signInToConsole(locale, second);
    await second.goto(`${server.baseUrl}/regulator/approvals`);
    const item = second.locator(`#console-approvals li[data-kind="${kind}"]`);
    await item.waitFor();
    expect(await item.count()).toBe(1);
    await checkPage(second, { lang: locale, page: 'regulator-approvals', state: kind });
    await item.locator('button[data-approve]').click();
    await item.locator('.feedback[role=status]').waitFor({ timeout: 15_000 });
    await checkPage(second, { lang: locale, page: 'regulator-approvals', state: `${kind}-approved` });
  }

  /** Reason, legal reference, the confirmation step, the passkey, the answer next to it. */
  async function act(locale: Locale, expectedInPlan: string[], shot: string) {
    await officer.waitForSelector('#action-form');
    expect(await officer.isVisible('#action-confirm-step')).toBe(false);
    await officer.selectOption('#action-reason', 'fraud');
    await officer.fill('#action-legal', 'Court of Astana, case 2-1234/2026');
    await officer.click('#action-review');
    await officer.waitForSelector('#action-confirm-step', { state: 'visible' });
    const plan = (await officer.textContent('#action-confirm-step')) ?? '';
    for (const text of expectedInPlan) expect(plan).toContain(text);
    expect(await officer.textContent('#action-confirm-reason')).toBe(WORDS[locale].fraud);
    expect(await officer.textContent('#action-confirm-legal')).toBe('Court of Astana, case 2-1234/2026');
    await checkPage(officer, { lang: locale, page: 'regulator-act', state: shot });
    await officer.click('#action-confirm');
    await officer.waitForSelector('#action-result', { state: 'visible', timeout: 15_000 });
    expect(await officer.getAttribute('#action-result', 'role')).toBe('status');
    await officer.click('#action-back-to-detail');
  }

  async function statusOnAccountPage(page: Page, bindingId: string) {
    await page.goto(`${server.baseUrl}/account`);
    const item = page.locator(`li[data-binding-id="${bindingId}"]`);
    try {
      await item.first().waitFor({ timeout: 5_000 });
      return { status: await item.first().getAttribute('data-status'), item };
    } catch {
      return { status: undefined, item };
    }
  }

  async function me(page: Page) {
    return page.evaluate(async () => (await fetch('/v1/me')).json()) as Promise<{
      identity: { linkBlock?: { reason: string } };
      bindings: { id: string; status: string; suspensionReason?: string; revocationReason?: string }[];
    }>;
  }

  for (const locale of ['kk', 'ru', 'en'] as const) {
    it(`suspends, reinstates and revokes from the console (${locale})`, async () => {
      const [person] = await signedInCitizens(server, 1);
      const {
        linked: [linkedAccount],
      } = await citizenWithAccounts(server, 1, person!.browser);
      const { account, bindingId } = linkedAccount!;
      const citizen = await citizenPage(person!.browser, locale);

      await signInToConsole(locale);
      await officer.fill('#search-query', person!.nationalId);
      await officer.click('#search-submit');
      const row = officer.locator(`#console-bindings li[data-binding-id="${bindingId}"]`);
      await row.waitFor();
      expect(await officer.textContent('#console-identity .national-id')).toBe(person!.nationalId);
      expect(await row.getAttribute('data-status')).toBe('active');
      await checkPage(officer, { lang: locale, page: 'regulator-identity', state: 'found' });

      // Suspend the account.
      await row.locator('a[data-action="suspend"][data-target="account"]').click();
      await act(locale, [account, '→'], 'confirm-suspend');
      await officer.waitForURL(/\/regulator\/identities\//);
      await expect
        .poll(() =>
          officer.getAttribute(`#console-bindings li[data-binding-id="${bindingId}"]`, 'data-status'),
        )
        .toBe('suspended');

      // The citizen sees the suspension and its reason.
      const seen = await statusOnAccountPage(citizen.page, bindingId);
      if (seen.status !== undefined) {
        expect(seen.status).toBe('suspended');
        expect((await seen.item.locator('.binding-reason').textContent())?.trim()).toBeTruthy();
      } else {
        checkedThroughApi.push(`suspended binding (${locale})`);
        const { bindings } = await me(citizen.page);
        expect(bindings.find((b) => b.id === bindingId)).toMatchObject({
          status: 'suspended',
          suspensionReason: 'fraud',
        });
      }

      // An exchange's lookup sees it too.
      const lookup = await json<{ status: string }>(
        await api(server, exchange.key).get(`/v1/attestations/${account}`),
      );
      expect(lookup.status).toBe('suspended');

      // Reinstate it.
      await officer
        .locator(
          `#console-bindings li[data-binding-id="${bindingId}"] a[data-action="reinstate"][data-target="account"]`,
        )
        .click();
      await act(locale, [account], 'confirm-reinstate');
      await expect
        .poll(() =>
          officer.getAttribute(`#console-bindings li[data-binding-id="${bindingId}"]`, 'data-status'),
        )
        .toBe('active');
      expect(
        (await json<{ status: string }>(await api(server, exchange.key).get(`/v1/attestations/${account}`)))
          .status,
      ).toBe('active');

      // Revoke the whole identity: every account, and new links blocked — once a second
      // officer has approved it (four eyes); until then nothing changes.
      await officer.locator('#console-identity a[data-action="revoke"][data-target="identity"]').click();
      await act(locale, [account], 'confirm-revoke-identity');
      expect(await officer.getAttribute('#console-identity', 'data-status')).not.toBe('blocked');
      await approveAsSecondOfficer(locale, 'identity_revocation');
      await officer.reload();
      await expect.poll(() => officer.getAttribute('#console-identity', 'data-status')).toBe('blocked');
      expect(await officer.isVisible('#lift-link-block')).toBe(true);

      await citizen.page.goto(`${server.baseUrl}/account`);
      const identity = citizen.page.locator('#identity[data-status]');
      try {
        await identity.waitFor({ timeout: 5_000 });
        expect(await identity.getAttribute('data-status')).toBe('revoked');
        expect(await citizen.page.isVisible('#identity-notice')).toBe(true);
      } catch {
        checkedThroughApi.push(`revoked identity (${locale})`);
        const answer = await me(citizen.page);
        expect(answer.bindings.find((b) => b.id === bindingId)?.status).toBe('revoked');
        const blocked = await person!.browser.post('/v1/wallets/challenge', {
          account: 'eip155:1:0x000000000000000000000000000000000000dEaD',
        });
        expect(blocked.status).toBe(403);
      }
      // Lift the link block: the person may link accounts again (the revoked one stays revoked).
      await officer.click('#lift-link-block');
      await act(locale, [], 'confirm-lift');
      await approveAsSecondOfficer(locale, 'link_block_lift');
      await officer.reload();
      await expect.poll(() => officer.getAttribute('#console-link-block', 'data-blocked')).toBe('false');
      expect(
        (
          await person!.browser.post('/v1/wallets/challenge', {
            account: 'eip155:1:0x000000000000000000000000000000000000dEaD',
          })
        ).status,
      ).toBe(201);
      await citizen.context.close();
    }, 180_000);

    it(`resolves a conflict report from the console (${locale})`, async () => {
      const [holder, claimant] = await signedInCitizens(server, 2);
      const signer = privateKeyToAccount(generatePrivateKey());
      const account = `eip155:1:${signer.address}`;
      const sign = async (browser: TestBrowser) => {
        const challenge = await askChallenge(browser, account);
        return submitSignature(
          browser,
          challenge.message,
          await signer.signMessage({ message: challenge.message }),
        );
      };
      expect((await sign(holder!.browser)).status).toBe(201);
      expect((await sign(claimant!.browser)).status).toBe(409);

      await signInToConsole(locale);
      await officer.click('nav.console-nav a[href="/regulator/conflicts"]');
      const report = officer.locator('#console-conflicts li[data-status="open"]', { hasText: account });
      await report.waitFor();
      await checkPage(officer, { lang: locale, page: 'regulator-conflicts', state: 'open' });
      await report.locator('a[data-action="revoke_existing"]').click();
      await act(locale, [account, '→'], 'confirm-conflict');
      await officer.waitForURL(/\/regulator\/conflicts$/);
      expect(await officer.locator('#console-conflicts li', { hasText: account }).count()).toBe(0);
      // The claimant can now link the account.
      expect((await sign(claimant!.browser)).status).toBe(201);
    }, 180_000);
  }

  it('shows the dashboard, the query log and the audit log with a verified inclusion proof, and signs out', async () => {
    // Something to count and a query to log, whichever tests ran before.
    const { linked } = await citizenWithAccounts(server, 1);
    expect((await api(server, exchange.key).get(`/v1/attestations/${linked[0]!.account}`)).status).toBe(200);
    await signInToConsole('en');
    await officer.goto(`${server.baseUrl}/regulator/dashboard`);
    await officer.waitForSelector('#activity-chart');
    const today = server.clock.now().toISOString().slice(0, 10);
    const links = await officer.textContent(
      `#activity-table tr[data-day="${today}"] td[data-series="links"]`,
    );
    expect(Number(links)).toBeGreaterThan(0);
    // Exchange queries reach the log through its buffered writer (flushed every few seconds).
    await server.assembled.services.queryLog.flush();
    await officer.goto(`${server.baseUrl}/regulator/query-log`);
    expect(await officer.locator('#query-log-table tbody tr').count()).toBeGreaterThan(0);
    const csv = await officer.evaluate(async () => {
      const href = document.querySelector<HTMLAnchorElement>('#query-log-csv')!.href;
      return (await fetch(href)).text();
    });
    expect(csv.split('\r\n')[0]).toBe('at,client_id,kind,account,result');
    await officer.goto(`${server.baseUrl}/regulator/audit`);
    await officer.click('#audit-table tbody tr:first-child a');
    await officer.waitForSelector('#inclusion-proof[data-verified="true"]');

    // Signing out ends the session: the console asks for the passkey again.
    await officer.click('#console-sign-out');
    await officer.waitForURL(`${server.baseUrl}/regulator/sign-in`);
    await officer.goto(`${server.baseUrl}/regulator/dashboard`);
    await officer.waitForURL(/\/regulator\/sign-in\?next=%2Fregulator%2Fdashboard$/);
  }, 60_000);

  for (const locale of ['kk', 'ru', 'en'] as const) {
    it(`keeps every console page accessible and within a phone's width (${locale})`, async () => {
      await signInToConsole(locale);
      const { seq } = await server.assembled.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirstOrThrow();
      for (const [path, name, state] of [
        ['/regulator', 'regulator-search', 'empty'],
        ['/regulator/conflicts?status=resolved', 'regulator-conflicts', 'resolved'],
        ['/regulator/query-log', 'regulator-queries', 'all'],
        ['/regulator/audit', 'regulator-audit', 'tail'],
        [`/regulator/audit/${seq}`, 'regulator-proof', 'verified'],
        ['/regulator/dashboard', 'regulator-dashboard', '30-days'],
        ['/regulator/identities/nobody', 'regulator-identity', 'not-found'],
      ] as const) {
        await officer.goto(`${server.baseUrl}${path}`);
        expect(await officer.getAttribute('html', 'lang')).toBe(locale);
        await checkPage(officer, { lang: locale, page: name, state });
      }
      // A citizen who opens the console sees why not.
      const [person] = await signedInCitizens(server, 1);
      const citizen = await citizenPage(person!.browser, locale);
      const response = await citizen.page.goto(`${server.baseUrl}/regulator`);
      expect(response?.status()).toBe(403);
      await checkPage(citizen.page, { lang: locale, page: 'regulator-forbidden', state: 'citizen' });
      await citizen.context.close();
    }, 180_000);
  }
});
