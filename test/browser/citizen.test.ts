// The citizen's pages in a real browser: headless Chromium with a CDP virtual
// authenticator (real WebAuthn ceremonies) and an injected EIP-1193 wallet whose
// signatures come from a viem account. Dev IdP → passkey registration → link the wallet
// → unlink → sign out → sign in with the passkey.
// Without Chromium the suite is skipped with a message, except in CI (CI=true).
import type { Page } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  type ChromiumPage,
  launchChromiumWithPasskeys,
  skipBrowserSuite,
} from '../helpers/chromium.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

if (skipBrowserSuite) {
  console.warn(
    `Chromium not found at ${CHROMIUM}: skipping the browser suite (apt-get install -y chromium).`,
  );
}

describe.skipIf(skipBrowserSuite)('the citizen pages in Chromium', () => {
  let server: TestServer;
  let page: Page;
  let chromiumPage: ChromiumPage | undefined;
  const wallet = privateKeyToAccount(generatePrivateKey());

  beforeAll(async () => {
    server = await startTestServer();
    chromiumPage = await launchChromiumWithPasskeys();
    page = chromiumPage.page;
    // An EIP-1193 wallet on Ethereum mainnet; personal_sign is done by a viem account in Node.
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
  }, 60_000);

  afterAll(async () => {
    await chromiumPage?.close();
    await server?.close();
  });

  it('verifies, registers a passkey, links and unlinks a wallet, signs out and back in', async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.click('text=Verify with the development identity provider');
    await page.click('button[name="person"] >> nth=0');
    await page.waitForURL(/\/enroll$/);
    await page.fill('#passkey-name', 'Test laptop');
    await page.click('#passkey-register');
    await page.waitForURL(/\/account$/);
    await expect.poll(() => page.textContent('#passkeys')).toContain('Test laptop');

    await page.click('#link-wallet');
    const account = `eip155:1:${wallet.address}`;
    await expect.poll(() => page.textContent('#bindings'), { timeout: 10_000 }).toContain(account);
    expect(await page.textContent('#bindings')).toContain('active (eip191)');
    expect(await page.textContent('#status')).toContain(`Linked ${account}`);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#bindings li >> text=Unlink');
    await expect.poll(() => page.textContent('#bindings')).toContain('revoked');

    await page.click('#sign-out');
    await page.waitForURL(`${server.baseUrl}/`);
    await page.click('#passkey-sign-in');
    await page.waitForURL(/\/account$/);
    await expect.poll(() => page.textContent('#passkeys')).toContain('Test laptop');
  }, 60_000);
});
