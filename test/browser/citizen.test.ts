// The citizen's pages in a real browser, in each language: headless Chromium with a CDP
// virtual authenticator (real WebAuthn ceremonies) and an injected EIP-1193 wallet whose
// signatures come from a viem account. Dev IdP → passkey registration → link the wallet
// → download its attestation → passkeys added, renamed (inline, no prompt()) and removed
// (after a confirmation; a warning before the last) → a failed manual link gets a fresh
// challenge → unlink → sign out → sign in with the passkey. Texts are checked against the
// catalogue of the language, feedback by its role next to the action.
// Without Chromium the suite is skipped with a message, except in CI (CI=true).
import type { Page } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MessageKey, type MessageParams, t } from '../../src/i18n/catalogue.js';
import type { Locale } from '../../src/i18n/locale.js';
import { applyRegulatorAction } from '../../src/services/regulator.js';
import { type ChromiumPage, describeInChromium, launchChromiumWithPasskeys } from '../helpers/chromium.js';
import { TEST_ACCESS } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** An injected EIP-1193 wallet on Ethereum mainnet; personal_sign is done by a viem account in Node. */
async function injectWallet(page: Page, wallet: ReturnType<typeof privateKeyToAccount>) {
  await page.exposeFunction('__walletSign', (hex: `0x${string}`) =>
    wallet.signMessage({ message: { raw: hex } }),
  );
  await page.addInitScript((address: string) => {
    (window as unknown as { ethereum: unknown }).ethereum = {
      request: async ({ method, params }: { method: string; params?: unknown[] }) => {
        if (method === 'eth_requestAccounts') return [address];
        if (method === 'eth_chainId') return '0x1';
        if (method === 'personal_sign') {
          return (window as unknown as { __walletSign: (hex: string) => Promise<string> }).__walletSign(
            params![0] as string,
          );
        }
        throw new Error(`unsupported: ${method}`);
      },
    };
  }, wallet.address);
}

/** The feedback shown in the group of the control `selector`. */
function feedbackNear(page: Page, selector: string) {
  return page.locator(`[data-feedback]:has(${selector}) > .feedback-slot > .feedback`);
}

const SEPOLIA = 'eip155:11155111';
const REGISTRY = '0x00000000000000000000000000000000000a11ce';

const LANGUAGES: { locale: Locale; person: number }[] = [
  { locale: 'kk', person: 0 },
  { locale: 'ru', person: 1 },
  { locale: 'en', person: 2 },
];

describeInChromium('the citizen pages in Chromium', () => {
  let server: TestServer;

  beforeAll(async () => {
    // A second Ethereum network with the registry: plain addresses fit two networks, and the
    // on-chain proof is offered there only (its RPC is never reached by these tests).
    server = await startTestServer({
      CHAINS: `eip155:1,${SEPOLIA}`,
      CHAIN_EIP155_11155111_RPC_URL: 'http://127.0.0.1:9',
      CHAIN_EIP155_11155111_REGISTRY: REGISTRY,
    });
  }, 60_000);
  afterAll(() => server?.close());

  describe.each(LANGUAGES)('in $locale', ({ locale, person }) => {
    let page: Page;
    let chromiumPage: ChromiumPage | undefined;
    const wallet = privateKeyToAccount(generatePrivateKey());
    const text = (key: MessageKey, params?: MessageParams) => t(locale, key, params);
    const dialogs: string[] = [];

    beforeAll(async () => {
      chromiumPage = await launchChromiumWithPasskeys();
      page = chromiumPage.page;
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.type());
        void dialog.dismiss();
      });
      await injectWallet(page, wallet);
    }, 60_000);
    afterAll(() => chromiumPage?.close());

    it('sends a visitor without a session to the home page, in the chosen language', async () => {
      await page.goto(`${server.baseUrl}/account`);
      expect(new URL(page.url()).pathname).toBe('/');
      await page.goto(`${server.baseUrl}/enroll`);
      expect(new URL(page.url()).pathname).toBe('/');
      await page.goto(`${server.baseUrl}/?lang=${locale}`);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      expect(await page.textContent('h1')).toBe(text('citizen.home.heading'));
      expect(await page.textContent('#passkey-sign-in')).toBe(text('citizen.home.signIn'));
    }, 30_000);

    it('verifies the identity and registers a named passkey', async () => {
      await page.click('a[href*="source=dev"]');
      await page.click(`button[name="person"] >> nth=${person}`);
      await page.waitForURL(/\/enroll$/);
      expect(await page.textContent('h1')).toBe(text('citizen.enroll.heading'));
      // A passkey needs a name: the refusal is an alert next to the button.
      await page.click('#passkey-register');
      const refusal = feedbackNear(page, '#passkey-register');
      await expect.poll(() => refusal.getAttribute('role')).toBe('alert');
      expect(await refusal.textContent()).toBe(text('citizen.passkeys.nameMissing'));
      await page.fill('#passkey-name', 'Laptop');
      await page.click('#passkey-register');
      await page.waitForURL(/\/account$/);
      expect(await page.textContent('#passkeys')).toContain('Laptop');
      expect(await page.getAttribute('#identity', 'data-status')).toBe('active');
      expect(await page.textContent('#identity')).toContain(text('citizen.identity.source.dev'));
      expect(await page.textContent('#identity')).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
      // Signed in, the home page and the enrolment page send the citizen to the account.
      await page.goto(`${server.baseUrl}/`);
      expect(new URL(page.url()).pathname).toBe('/account');
      await page.goto(`${server.baseUrl}/enroll`);
      expect(new URL(page.url()).pathname).toBe('/account');
    }, 30_000);

    it('links the wallet in the browser and downloads the attestation', async () => {
      const account = `eip155:1:${wallet.address}`;
      await page.click('#link-wallet');
      const feedback = feedbackNear(page, '#link-wallet');
      await expect
        .poll(() => feedback.textContent(), { timeout: 15_000 })
        .toBe(text('citizen.link.linked', { account }));
      expect(await feedback.getAttribute('role')).toBe('status');
      expect(await feedback.getAttribute('data-kind')).toBe('success');
      const item = page.locator(`#bindings li[data-account="${account}"]`);
      expect(await item.getAttribute('data-status')).toBe('active');
      const shown = (await item.textContent()) ?? '';
      expect(shown).toContain(text('citizen.bindings.status.active'));
      expect(shown).toContain(text('citizen.method.eip191'));
      // Renewal opens only near expiry: not offered to a fresh attestation.
      expect(await item.locator('[data-action="binding-renew"]').count()).toBe(0);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        item.locator('a[href*="format=jwt"]').click(),
      ]);
      expect(download.suggestedFilename()).toBeTruthy();
    }, 30_000);

    it('tells a suspension with reason, date and next step, and never says "linked" for it', async () => {
      const account = `eip155:1:${wallet.address}`;
      const officer = { id: 'officer-1', via: 'officer' as const, access: TEST_ACCESS };
      const action = { target: { account }, reason: 'court_order' as const, legalReference: 'Case 2-1/2026' };
      const services = server.assembled.services;
      await applyRegulatorAction(services, officer, 'suspend', action);
      await page.reload();
      const item = page.locator(`#bindings li[data-account="${account}"]`);
      expect(await item.getAttribute('data-status')).toBe('suspended');
      const reason = (await item.locator('.binding-reason').textContent()) ?? '';
      expect(reason).toContain(text('citizen.reason.court_order'));
      expect(reason).toContain(text('citizen.bindings.suspendedNext'));
      expect(await item.locator('[data-action="binding-unlink"]').count()).toBe(0);
      await page.click('#link-wallet');
      const feedback = feedbackNear(page, '#link-wallet');
      await expect
        .poll(() => feedback.textContent(), { timeout: 10_000 })
        .toBe(text('citizen.link.existingSuspended', { account }));
      expect(await feedback.getAttribute('role')).toBe('alert');
      await applyRegulatorAction(services, officer, 'reinstate', action);
      await page.reload();
      expect(await item.getAttribute('data-status')).toBe('active');
    }, 30_000);

    it('adds, renames and removes passkeys, with a confirmation and a warning before the last', async () => {
      const { cdp, authenticatorId } = chromiumPage!;
      const credentials = async () =>
        (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
      await page.click('#passkey-add');
      const feedback = feedbackNear(page, '#passkey-add');
      await expect.poll(() => feedback.getAttribute('role')).toBe('alert');
      expect(await feedback.textContent()).toBe(text('citizen.passkeys.nameMissing'));
      // This authenticator already holds the account's passkey: the browser refuses, told plainly.
      await page.fill('#passkey-add-name', 'Phone');
      await page.click('#passkey-add');
      await expect
        .poll(() => feedback.textContent(), { timeout: 10_000 })
        .toBe(text('citizen.webauthn.alreadyRegistered'));
      expect(await feedback.getAttribute('role')).toBe('alert');
      // As if on another device: this authenticator forgets the first passkey and makes a new one.
      await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
      await page.click('#passkey-add');
      await expect
        .poll(() => feedback.textContent(), { timeout: 10_000 })
        .toBe(text('citizen.passkeys.addDone', { name: 'Phone' }));
      expect(await page.locator('#passkeys > li').count()).toBe(2);
      expect(await credentials()).toHaveLength(1);

      const phone = page.locator('#passkeys > li[data-name="Phone"]');
      await phone.locator('[data-action="passkey-rename"]').click();
      await phone.locator('form.rename input').fill('Work phone');
      await phone.locator('form.rename button[type="submit"]').click();
      await expect
        .poll(() => feedback.textContent())
        .toBe(text('citizen.passkeys.renamed', { name: 'Work phone' }));
      expect(await page.textContent('#passkeys')).toContain('Work phone');

      // The first passkey lives on the other device now: removing it asks first, without a warning.
      const laptop = page.locator('#passkeys > li[data-name="Laptop"]');
      await laptop.locator('[data-action="passkey-remove"]').click();
      expect(await laptop.locator('.confirm p').first().textContent()).toBe(
        text('citizen.passkeys.removeConfirm', { name: 'Laptop' }),
      );
      expect(await laptop.locator('.confirm .warning').count()).toBe(0);
      await laptop.locator('[data-confirm="no"]').click();
      expect(await page.locator('#passkeys > li').count()).toBe(2);
      await laptop.locator('[data-action="passkey-remove"]').click();
      await laptop.locator('[data-confirm="yes"]').click();
      await expect
        .poll(() => feedback.textContent())
        .toBe(text('citizen.passkeys.removed', { name: 'Laptop' }));
      expect(await page.locator('#passkeys > li').count()).toBe(1);

      const last = page.locator('#passkeys > li');
      await last.locator('[data-action="passkey-remove"]').click();
      expect(await last.locator('.confirm .warning').textContent()).toBe(text('citizen.passkeys.removeLast'));
      await last.locator('[data-confirm="no"]').click();
      expect(await page.locator('#passkeys > li').count()).toBe(1);
      expect(dialogs).toEqual([]);
    }, 30_000);

    it('gives a fresh message to sign after a failed manual link, without on-chain fields', async () => {
      const other = privateKeyToAccount(generatePrivateKey());
      await page.click('#link-manual summary');
      await page.fill('#link-account', `eip155:1:${other.address}`);
      await page.click('#link-challenge');
      await expect.poll(() => page.isVisible('#link-message')).toBe(true);
      const first = (await page.textContent('#link-message')) ?? '';
      expect(first).toContain(other.address);
      // The copy button puts the message on the clipboard exactly as issued.
      await chromiumPage!.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: server.baseUrl,
      });
      await page.click('#link-copy');
      await expect.poll(() => feedbackNear(page, '#link-copy').textContent()).toBe(text('common.copied'));
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);
      // No registry on this chain: no on-chain proof offered.
      expect(await page.isVisible('#link-tx')).toBe(false);
      // A signature of another message: refused, and the used challenge is replaced.
      await page.fill('#link-signature', await other.signMessage({ message: 'something else' }));
      await page.click('#link-submit-signature');
      const feedback = feedbackNear(page, '#link-submit-signature');
      await expect.poll(() => feedback.getAttribute('role'), { timeout: 10_000 }).toBe('alert');
      expect(await feedback.textContent()).toContain(text('citizen.link.fresh'));
      const second = (await page.textContent('#link-message')) ?? '';
      expect(second).not.toBe(first);
      expect(second).toContain(other.address);
      // The fresh one works.
      await page.fill('#link-signature', await other.signMessage({ message: second }));
      await page.click('#link-submit-signature');
      const account = `eip155:1:${other.address}`;
      await expect
        .poll(() => feedbackNear(page, '#link-challenge').textContent(), { timeout: 10_000 })
        .toBe(text('citizen.link.linked', { account }));
    }, 60_000);

    it('asks the network of a plain address, and offers the on-chain proof where it exists', async () => {
      const address = privateKeyToAccount(generatePrivateKey()).address;
      await page.fill('#link-account', address);
      await page.click('#link-challenge');
      const feedback = feedbackNear(page, '#link-challenge');
      await expect.poll(() => feedback.textContent()).toBe(text('citizen.link.severalChains'));
      expect(await page.isVisible('#link-chain')).toBe(true);
      await page.selectOption('#link-chain', SEPOLIA);
      await page.click('#link-challenge');
      await expect.poll(() => page.textContent('#link-message')).toContain(address);
      expect(await page.isVisible('#link-tx')).toBe(true);
      expect((await page.textContent('#link-registry'))?.toLowerCase()).toContain(REGISTRY);
      expect(await page.textContent('#link-digest')).toContain('proveControl');
    }, 30_000);

    it('fits a 390 px wide screen without sideways scrolling', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await page.reload();
        await page.click('#link-manual summary');
        // The longest things the page shows: a message to sign and feedback naming an account.
        await page.fill('#link-account', `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`);
        await page.click('#link-challenge');
        await expect.poll(() => page.isVisible('#link-message')).toBe(true);
        await page.click('#link-wallet');
        await expect.poll(() => feedbackNear(page, '#link-wallet').count(), { timeout: 10_000 }).toBe(1);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    }, 30_000);

    it('unlinks after a confirmation and keeps the ended link apart', async () => {
      const account = `eip155:1:${wallet.address}`;
      const item = page.locator(`#bindings li[data-account="${account}"]`);
      await item.locator('[data-action="binding-unlink"]').click();
      expect(await item.locator('.confirm p').first().textContent()).toBe(
        text('citizen.bindings.unlinkConfirm', { account }),
      );
      await item.locator('[data-confirm="yes"]').click();
      await expect
        .poll(() => feedbackNear(page, '#bindings').textContent(), { timeout: 10_000 })
        .toBe(text('citizen.bindings.unlinked'));
      const ended = page.locator(`#bindings-history li[data-account="${account}"]`);
      expect(await ended.getAttribute('data-status')).toBe('revoked');
      expect(await ended.locator('.binding-reason').textContent()).toContain(
        text('citizen.bindings.unlinkedNext'),
      );
      expect(await page.locator(`#bindings li[data-account="${account}"]`).count()).toBe(0);
      expect(dialogs).toEqual([]);
    }, 30_000);

    it('signs out and back in with the passkey', async () => {
      await page.click('#sign-out');
      await page.waitForURL(`${server.baseUrl}/`);
      await page.goto(`${server.baseUrl}/account`);
      expect(new URL(page.url()).pathname).toBe('/');
      // A passkey prompt that does not complete is told in words, never in the browser's.
      const { cdp, authenticatorId } = chromiumPage!;
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
      await page.click('#passkey-sign-in');
      const feedback = feedbackNear(page, '#passkey-sign-in');
      await expect
        .poll(() => feedback.textContent(), { timeout: 15_000 })
        .toBe(text('citizen.webauthn.cancelled'));
      expect(await feedback.getAttribute('role')).toBe('alert');
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
      await page.click('#passkey-sign-in');
      await page.waitForURL(/\/account$/);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      expect(await page.textContent('#passkeys')).toContain('Work phone');
      expect(await page.textContent('h1')).toBe(text('citizen.account.title'));
    }, 30_000);
  });
});
