// Steps of wallet linking over real HTTP, shared by the wallet suites.

import type { LocalAccount } from 'viem';
import { expect } from 'vitest';
import { cookiePolicy } from '../../src/http/cookies.js';
import { startSession } from '../../src/services/sessions.js';
import { steppedUpSession, syntheticIins } from '../helpers/citizens.js';
import type { TestBrowser, TestServer } from '../helpers/server.js';
import { json } from './citizenFlow.js';

export interface IssuedChallenge {
  account: string;
  message: string;
  nonce: string;
  issuedAt: string;
  expiresAt: string;
  challengeHash: `0x${string}`;
  onchain?: { registry: string; chainId: number; confirmations: number; function: string };
}

export interface BindingJson {
  id: string;
  account: string;
  chainId: string;
  method: string;
  status: string;
  createdAt: string;
  statusChangedAt: string;
  revocationReason?: string;
}

export async function askChallenge(browser: TestBrowser, account: string): Promise<IssuedChallenge> {
  const response = await browser.post('/v1/wallets/challenge', { account });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<IssuedChallenge>(response);
}

export function submitSignature(browser: TestBrowser, message: string, signature: string) {
  return browser.post('/v1/wallets/verify', { message, signature });
}

/** Challenge → personal_sign by the local account → verify; expects a new binding. */
export async function linkEoa(browser: TestBrowser, signer: LocalAccount, chainId = 'eip155:1') {
  const challenge = await askChallenge(browser, `${chainId}:${signer.address}`);
  const signature = await signer.signMessage({ message: challenge.message });
  const response = await submitSignature(browser, challenge.message, signature);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await json<{ binding: BindingJson }>(response)).binding;
}

/** A fresh full session (with a fresh step-up) for an existing identity, in a new browser. */
export async function browserFor(server: TestServer, identityId: string): Promise<TestBrowser> {
  const services = server.assembled.services;
  const now = services.clock.now();
  const { token } = await services.units.run((trx) =>
    startSession(services, trx, { identityId, kind: 'full', passkeyVerifiedAt: now }),
  );
  const browser = server.browser();
  browser.cookies.set(cookiePolicy(services.config).session, token);
  return browser;
}

/**
 * Signed-in citizens with a fresh passkey step-up, set up through the services rather
 * than the dev IdP (which knows only five people). The browsers then talk HTTP as usual.
 */
export async function signedInCitizens(server: TestServer, count: number) {
  const services = server.assembled.services;
  const cookieName = cookiePolicy(services.config).session;
  const citizens: { browser: TestBrowser; identityId: string; nationalId: string }[] = [];
  for (const nationalId of syntheticIins(count)) {
    const { token, identityId } = await steppedUpSession(services, nationalId);
    const browser = server.browser();
    browser.cookies.set(cookieName, token);
    citizens.push({ browser, identityId, nationalId });
  }
  return citizens;
}

export { syntheticIins };
