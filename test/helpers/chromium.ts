// Debian's Chromium driven by playwright-core, as every browser suite uses it: a fresh
// profile per launch, the flags that keep it off the network, and a CDP virtual
// authenticator so passkey ceremonies are real WebAuthn.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Without Chromium a browser suite is skipped with a message, except in CI (CI=true). */
export const chromiumAvailable = existsSync(CHROMIUM);
export const skipBrowserSuite = !chromiumAvailable && process.env.CI !== 'true';

/** A browser suite: skipped, saying so, where Chromium is missing (never in CI, where it fails). */
export function describeInChromium(name: string, body: () => void): void {
  if (skipBrowserSuite) {
    console.warn(`Chromium not found at ${CHROMIUM}: skipping "${name}" (apt-get install -y chromium).`);
  }
  describe.skipIf(skipBrowserSuite)(name, body);
}

export interface ChromiumPage {
  context: BrowserContext;
  page: Page;
  /** The page's CDP session and its virtual authenticator, to inspect or change its credentials. */
  cdp: CDPSession;
  authenticatorId: string;
  close(): Promise<void>;
}

/** A headless Chromium with one page that has a user-verifying platform authenticator. */
export async function launchChromiumWithPasskeys(): Promise<ChromiumPage> {
  // A fresh profile directory each run (playwright passes it as --user-data-dir).
  const profile = mkdtempSync(join(tmpdir(), 'wallet-attest-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    context,
    page,
    cdp,
    authenticatorId,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
