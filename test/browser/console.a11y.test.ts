// The regulator console's pages and their main states in Kazakh, Russian and English, in
// headless Chromium, checked as pages.a11y.test.ts checks the citizens' pages (axe-core at
// 390 and 1280 px, no horizontal overflow at 390 × 844, a screenshot of each). The officer
// signs in through the dev IdP with a passkey in a browser of their own; an action goes
// through its confirmation and the fresh passkey to done.
// Without Chromium the suite is skipped with a message, except in CI (CI=true).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/i18n/locale.js';
import { listPendingActions, requestApproval } from '../../src/services/fourEyes.js';
import { describeInChromium } from '../helpers/chromium.js';
import { syntheticIins } from '../helpers/citizens.js';
import { PHONE_VIEWPORT, saveDocScreenshot, writeDocScreenshots } from '../helpers/pageChecks.js';
import { LEGAL_REFERENCE } from '../helpers/pageStates.js';
import { PageSweep } from '../helpers/pageSweep.js';
import { TEST_ACCESS } from '../helpers/regulatorAccess.js';

describeInChromium('the regulator console in every language: axe-core, 390 px, screenshots', () => {
  let sweep: PageSweep;

  beforeAll(async () => {
    sweep = await PageSweep.start();
    await sweep.enrolOfficer();
  }, 180_000);
  afterEach(() => sweep.reportFailures());
  afterAll(() => sweep?.close());

  /** The console's search form, as an officer types into it. */
  async function search(query: string, expectedStatus = 200) {
    const { page } = sweep;
    await page.fill('#search-query', query);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#search-submit')]);
    expect(response?.status(), `search ${query}`).toBe(expectedStatus);
    await sweep.settle();
  }

  /**
   * A table at 390 px: ordinary words are never broken (only IDs and hashes may be), and
   * every column keeps a readable width, the table scrolling in its box instead.
   */
  async function expectReadableTable(selector: string) {
    const { page } = sweep;
    const before = page.viewportSize();
    await page.setViewportSize(PHONE_VIEWPORT);
    const cells = await page.$$eval(`${selector} th, ${selector} td`, (nodes) =>
      nodes.map((node) => {
        const style = getComputedStyle(node);
        return {
          text: node.textContent ?? '',
          width: node.getBoundingClientRect().width,
          breaksWords: style.overflowWrap === 'anywhere' || style.wordBreak === 'break-all',
        };
      }),
    );
    if (before) await page.setViewportSize(before);
    expect(cells.length, selector).toBeGreaterThan(0);
    expect(
      cells.filter((cell) => cell.breaksWords).map((cell) => cell.text),
      selector,
    ).toEqual([]);
    expect(
      cells.filter((cell) => cell.width < 80).map((cell) => cell.text),
      selector,
    ).toEqual([]);
  }

  const act = (params: Record<string, string>) => `/regulator/act?${new URLSearchParams(params)}`;

  for (const [index, lang] of LOCALES.entries()) {
    describe(lang, () => {
      it('sign-in without a session, refusal for a citizen', async () => {
        await sweep.asCitizen(lang);
        await sweep.open('/regulator');
        expect(new URL(sweep.page.url()).pathname).toBe('/regulator/sign-in');
        await sweep.check(lang, 'console-sign-in', 'signed-out');
        await sweep.asCitizen(lang, sweep.people.linked.token);
        await sweep.open('/regulator', 403);
        await sweep.check(lang, 'console-forbidden', 'citizen');
      });

      it('the open case: none, its form, a refusal, then open', async () => {
        await sweep.asOfficer(lang, { openCase: false });
        await sweep.open('/regulator');
        await sweep.check(lang, 'console-search', 'no-case');
        await sweep.open('/regulator/case?next=%2Fregulator&needed=1');
        await sweep.check(lang, 'console-case', 'needed');
        await sweep.page.selectOption('#case-purpose', 'aml_investigation');
        await sweep.page.fill('#case-reference', 'AFM<2026>');
        await sweep.page.click('#case-submit');
        await sweep.page.waitForSelector('#case-feedback');
        await sweep.check(lang, 'console-case', 'refused');
        await sweep.page.fill('#case-reference', 'AFM-2026/00123');
        await Promise.all([sweep.page.waitForURL(/\/regulator$/), sweep.page.click('#case-submit')]);
        await sweep.page.waitForSelector('#open-case .case-reference');
        await sweep.check(lang, 'console-search', 'case-open');
      });

      it('search: empty, nobody found, a person found', async () => {
        await sweep.asOfficer(lang);
        await sweep.open('/regulator');
        await sweep.check(lang, 'console-search', 'empty');
        await search(syntheticIins(1)[0]!, 404);
        await sweep.check(lang, 'console-search', 'not-found');
        await search(sweep.people.suspendedBinding.nationalId);
        await sweep.page.waitForSelector('#console-identity');
        await sweep.check(lang, 'console-identity', 'suspended-binding');
        if (writeDocScreenshots) await saveDocScreenshot(sweep.page, 'regulator-search', lang);
      });

      it('detail pages: identity, account, binding with history', async () => {
        const { people } = sweep;
        await sweep.asOfficer(lang);
        await sweep.open(`/regulator/identities/${people.revokedIdentity.identityId}`);
        await sweep.check(lang, 'console-identity', 'revoked');
        await sweep.open(`/regulator/identities/${people.suspendedIdentity.identityId}`);
        await sweep.check(lang, 'console-identity', 'suspended');
        const suspended = people.suspendedBinding.accounts[1]!;
        await sweep.open(`/regulator/accounts/${encodeURIComponent(suspended.account)}`);
        await sweep.check(lang, 'console-account', 'suspended');
        await sweep.open(`/regulator/bindings/${suspended.id}`);
        await sweep.check(lang, 'console-binding', 'suspended');
        await expectReadableTable('.console-binding .console-table');
      });

      it('an action: the form, its confirmation, done after the passkey', async () => {
        await sweep.asOfficer(lang);
        const { page, people } = sweep;
        const back = `/regulator/identities/${people.toSuspend.identityId}`;
        const account = people.toSuspend.accounts[index]!.account;
        await sweep.open(act({ action: 'suspend', target: 'account', id: account, back }));
        await sweep.check(lang, 'console-act', 'form');
        await page.selectOption('#action-reason', 'court_order');
        await page.fill('#action-legal', LEGAL_REFERENCE);
        await page.click('#action-review');
        await page.waitForSelector('#action-confirm-step', { state: 'visible' });
        await sweep.check(lang, 'console-act', 'confirm');
        // The confirm and "change" buttons are apart, not touching, side by side or stacked.
        const [confirmBox, backBox] = await Promise.all(
          ['#action-confirm', '#action-back'].map((id) => page.locator(id).boundingBox()),
        );
        const apart = Math.max(
          backBox!.x - (confirmBox!.x + confirmBox!.width),
          backBox!.y - (confirmBox!.y + confirmBox!.height),
        );
        expect(apart).toBeGreaterThanOrEqual(8);
        if (writeDocScreenshots) await saveDocScreenshot(page, 'regulator-confirm', lang);
        await page.click('#action-confirm');
        await page.waitForSelector('#action-done', { state: 'visible' });
        await sweep.settle();
        await sweep.check(lang, 'console-act', 'done');
        await sweep.open(
          act({ action: 'revoke', target: 'identity', id: people.toSuspend.identityId, back }),
        );
        await sweep.check(lang, 'console-act', 'revoke-identity');
        const blocked = people.revokedIdentity.identityId;
        await sweep.open(act({ action: 'lift', target: 'identity', id: blocked, back }));
        await sweep.check(lang, 'console-act', 'lift-link-block');
      }, 60_000);

      it('the case page: the open case kept confidential until a date, with the passkey', async () => {
        await sweep.asOfficer(lang);
        const { page } = sweep;
        await sweep.open('/regulator/case');
        const section = page.locator('#case-confidentiality');
        const before = await section.getAttribute('data-confidential');
        expect(before).toBe(index === 0 ? 'false' : 'true');
        await sweep.check(lang, 'console-case', index === 0 ? 'not-confidential' : 'confidential');
        // Each language moves the date later, on a legal reference of its own.
        const day = new Date(Date.now() + (10 + index) * 86_400_000).toISOString().slice(0, 10);
        await page.fill('#case-disclose-at', day);
        await page.fill('#case-confidential-legal', `Prosecutor sanction ${lang}-12/2026`);
        await Promise.all([page.waitForEvent('load'), page.click('#case-confidential-submit')]);
        await expect.poll(() => section.getAttribute('data-confidential')).toBe('true');
        expect(await page.textContent('#case-confidentiality')).toContain(
          `Prosecutor sanction ${lang}-12/2026`,
        );
        await sweep.check(lang, 'console-case', 'confidential-set');
      });

      it('approvals: none, then one asked for by a regulator system', async () => {
        const { people, server } = sweep;
        await sweep.asOfficer(lang);
        const services = server.assembled.services;
        for (const pending of await listPendingActions(services)) {
          // Left by an earlier language's run: approved so this one starts empty.
          await services.db
            .updateTable('pending_actions')
            .set({ status: 'approved' })
            .where('id', '=', pending.id)
            .execute();
        }
        await sweep.open('/regulator/approvals');
        await sweep.check(lang, 'console-approvals', 'none');
        await requestApproval(
          services,
          { id: 'regulator-system', via: 'api-key', access: TEST_ACCESS },
          'link_block_lift',
          {
            identity: people.revokedIdentity.identityId,
            reason: 'court_order',
            legalReference: LEGAL_REFERENCE,
          },
        );
        await sweep.open('/regulator/approvals');
        await sweep.page.waitForSelector('#console-approvals button[data-approve]');
        await sweep.check(lang, 'console-approvals', 'pending');
      });

      it('conflicts, and a conflict’s resolution', async () => {
        await sweep.asOfficer(lang);
        await sweep.open('/regulator/conflicts');
        await sweep.page.waitForSelector('#console-conflicts');
        await sweep.check(lang, 'console-conflicts', 'open');
        const back = '/regulator/conflicts';
        await sweep.open(
          act({ action: 'revoke_existing', target: 'conflict', id: sweep.people.conflictId, back }),
        );
        await sweep.check(lang, 'console-act', 'conflict');
      });

      it('the exchanges’ query log, all and for one account', async () => {
        await sweep.asOfficer(lang);
        await sweep.open('/regulator/query-log');
        await sweep.page.waitForSelector('#query-log-table');
        await sweep.check(lang, 'console-query-log', 'all');
        const account = sweep.people.linked.accounts[0]!.account;
        await sweep.open(`/regulator/query-log?${new URLSearchParams({ account })}`);
        await sweep.check(lang, 'console-query-log', 'by-account');
        await expectReadableTable('#query-log-table');
      });

      it('the audit log and an inclusion proof', async () => {
        await sweep.asOfficer(lang);
        await sweep.open('/regulator/audit');
        await sweep.page.waitForSelector('#audit-table');
        await sweep.check(lang, 'console-audit', 'latest');
        await expectReadableTable('#audit-table');
        await sweep.open('/regulator/audit/1');
        await sweep.check(lang, 'console-audit', 'inclusion-proof');
      });

      it('the dashboard', async () => {
        await sweep.asOfficer(lang);
        await sweep.open('/regulator/dashboard');
        await sweep.page.waitForSelector('#activity-chart');
        await sweep.check(lang, 'console-dashboard', 'activity');
        // Each legend entry draws its series' dash pattern: the series are not told apart
        // by colour alone.
        const dashes = await sweep.page.$$eval('#activity-chart .series, .legend .series', (lines) =>
          lines.map((line) => [line.getAttribute('class'), getComputedStyle(line).strokeDasharray]),
        );
        const chart = dashes.slice(0, 3);
        expect(dashes.slice(3)).toEqual(chart);
        expect(new Set(chart.map(([, dash]) => dash)).size).toBe(3);
        // The table's card is as wide as the table, not the page.
        const [tableWidth, rowWidth] = await sweep.page.$eval('#activity-table', (table) => [
          table.getBoundingClientRect().width,
          table.querySelector('tr')!.getBoundingClientRect().width,
        ]);
        expect(tableWidth).toBeLessThanOrEqual(rowWidth + 1);
        if (writeDocScreenshots) await saveDocScreenshot(sweep.page, 'dashboard', lang);
      });
    });
  }
});
