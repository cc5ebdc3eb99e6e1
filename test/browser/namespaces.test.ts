// The account page links a Solana account through an injected Wallet Standard wallet
// (solana:signIn, signed in Node by a generated ed25519 key), and a TRON and a Bitcoin
// account through the paste path, typed as plain addresses: the page works out the chain.
// Without Chromium the suite is skipped with a message, except in CI (CI=true).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { t } from '../../src/i18n/catalogue.js';
import { generateBitcoinKey } from '../helpers/bitcoinKeys.js';
import { type ChromiumPage, describeInChromium, launchChromiumWithPasskeys } from '../helpers/chromium.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SOLANA_MAINNET, solanaSigner, TRON_MAINNET, tronSigner } from '../wallets/namespaceSigners.js';

describeInChromium('linking non-EVM accounts in Chromium', () => {
  let server: TestServer;
  let page: Page;
  let chromiumPage: ChromiumPage | undefined;
  const solana = solanaSigner();
  const tron = tronSigner();
  const bitcoin = generateBitcoinKey('mainnet');
  const BITCOIN_MAINNET = 'bip122:000000000019d6689c085ae165831e93';

  beforeAll(async () => {
    server = await startTestServer({
      CHAINS: `eip155:1,${TRON_MAINNET},${SOLANA_MAINNET},${BITCOIN_MAINNET}`,
    });
    chromiumPage = await launchChromiumWithPasskeys();
    page = chromiumPage.page;
    // The wallet writes the Sign-In With Solana text from the input itself, as wallets do,
    // and Node signs its bytes.
    await page.exposeFunction('__solanaSign', (bytes: number[]) => [
      ...solana.signBytes(new Uint8Array(bytes)),
    ]);
    await page.addInitScript((address: string) => {
      const w = window as unknown as { __solanaSign: (bytes: number[]) => Promise<number[]> };
      const text = (input: Record<string, string>) =>
        [
          `${input.domain} wants you to sign in with your Solana account:`,
          input.address,
          '',
          input.statement,
          '',
          `URI: ${input.uri}`,
          `Version: ${input.version}`,
          `Chain ID: ${input.chainId}`,
          `Nonce: ${input.nonce}`,
          `Issued At: ${input.issuedAt}`,
          `Expiration Time: ${input.expirationTime}`,
        ].join('\n');
      const account = { address, publicKey: new Uint8Array(32), chains: ['solana:mainnet'], features: [] };
      const wallet = {
        version: '1.0.0',
        name: 'Test wallet',
        icon: 'data:image/svg+xml;base64,',
        chains: ['solana:mainnet'],
        accounts: [account],
        features: {
          'standard:connect': { version: '1.0.0', connect: async () => ({ accounts: [account] }) },
          'solana:signIn': {
            version: '1.0.0',
            signIn: async (input: Record<string, string>) => {
              const signedMessage = new TextEncoder().encode(text(input));
              const signature = new Uint8Array(await w.__solanaSign([...signedMessage]));
              return [{ account, signedMessage, signature, signatureType: 'ed25519' }];
            },
          },
        },
      };
      const announce = (api: { register: (...wallets: unknown[]) => unknown }) => api.register(wallet);
      window.addEventListener('wallet-standard:app-ready', (event) =>
        announce((event as CustomEvent).detail),
      );
      window.dispatchEvent(new CustomEvent('wallet-standard:register-wallet', { detail: announce }));
    }, solana.address);
  }, 60_000);

  afterAll(async () => {
    await chromiumPage?.close();
    await server?.close();
  });

  it('links a Solana wallet with solana:signIn, and TRON and Bitcoin accounts pasted as plain addresses', async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.click('a[href*="source=dev"]');
    await page.click('button[name="person"] >> nth=1');
    await page.waitForURL(/\/enroll$/);
    await page.fill('#passkey-name', 'Test laptop');
    await page.click('#passkey-register');
    await page.waitForURL(/\/account$/);

    await page.click('#link-solana');
    const solanaAccount = `${SOLANA_MAINNET}:${solana.address}`;
    await expect.poll(() => page.textContent('#bindings'), { timeout: 10_000 }).toContain(solanaAccount);
    expect(await page.textContent(`#bindings li[data-account="${solanaAccount}"]`)).toContain(
      t('en', 'citizen.method.siws'),
    );

    await page.click('#link-manual summary');
    await page.fill('#link-account', tron.address);
    await page.click('#link-challenge');
    const tronAccount = `${TRON_MAINNET}:${tron.address}`;
    await expect.poll(() => page.textContent('#link-message')).toContain('sign in with your TRON account');
    // The box holds the message exactly as issued, nothing else.
    const message = (await page.textContent('#link-message'))!;
    await page.fill('#link-signature', tron.sign(message));
    await page.click('#link-submit-signature');
    await expect.poll(() => page.textContent('#bindings'), { timeout: 10_000 }).toContain(tronAccount);
    expect(await page.getAttribute(`#bindings li[data-account="${tronAccount}"]`, 'data-status')).toBe(
      'active',
    );

    // A Bitcoin wallet (Sparrow, Electrum, Bitcoin Core) signs the pasted text by hand.
    const bitcoinAddress = bitcoin.addresses.p2wpkh;
    await page.fill('#link-account', bitcoinAddress);
    await page.click('#link-challenge');
    await expect.poll(() => page.textContent('#link-message')).toContain('sign in with your Bitcoin account');
    const bitcoinMessage = (await page.textContent('#link-message'))!;
    await page.fill('#link-signature', bitcoin.sign(bitcoinAddress, bitcoinMessage));
    await page.click('#link-submit-signature');
    const bitcoinAccount = `${BITCOIN_MAINNET}:${bitcoinAddress}`;
    await expect.poll(() => page.textContent('#bindings'), { timeout: 10_000 }).toContain(bitcoinAccount);
    expect(await page.getAttribute(`#bindings li[data-account="${bitcoinAccount}"]`, 'data-status')).toBe(
      'active',
    );
    // None has an EIP-712 form to download.
    expect(await page.locator('#bindings a', { hasText: 'EIP-712' }).count()).toBe(0);
  }, 60_000);
});
