// The people the page sweeps show, each in the state a page must present: put in place
// through the services and the JSON API (the pages are what the sweeps check, not these
// paths). Also some weeks of activity in the past, so the console's dashboard has a shape.
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { expect } from 'vitest';
import { cookiePolicy } from '../../src/http/cookies.js';
import {
  applyRegulatorAction,
  listConflicts,
  type RegulatorActor,
  setRegulatorRole,
} from '../../src/services/regulator.js';
import { api, apiClient } from '../exchange/exchangeFlow.js';
import { json } from '../http/citizenFlow.js';
import { askChallenge, linkEoa, signedInCitizens, submitSignature } from '../http/walletFlow.js';
import { SOLANA_MAINNET, solanaSigner, TRON_MAINNET, tronSigner } from '../wallets/namespaceSigners.js';
import { steppedUpSession, syntheticIins } from './citizens.js';
import { TEST_ACCESS } from './regulatorAccess.js';
import type { TestBrowser, TestServer } from './server.js';

/** The chains the sweeps' server accepts: one account kind each with its own look. */
export const SWEEP_CHAINS = `eip155:1,${SOLANA_MAINNET},${TRON_MAINNET}`;

export const LEGAL_REFERENCE = 'Court of Astana, case 2-1234/2026';

type AccountKind = 'eip155' | 'solana' | 'tron';

export interface Citizen {
  browser: TestBrowser;
  identityId: string;
  nationalId: string;
  /** The session cookie's value, to hand to Chromium. */
  token: string;
  accounts: { id: string; account: string }[];
}

export interface PageStates {
  /** Three live accounts: Ethereum, Solana, TRON. */
  linked: Citizen;
  /** One live account, one suspended by a regulator, one unlinked by the citizen. */
  suspendedBinding: Citizen;
  suspendedIdentity: Citizen;
  revokedIdentity: Citizen;
  /** One live account per language, for the console's action to suspend. */
  toSuspend: Citizen;
  /** An open conflict report: a second identity proved control of a linked account. */
  conflictId: string;
}

async function linkAccount(browser: TestBrowser, kind: AccountKind) {
  if (kind === 'eip155') return linkEoa(browser, privateKeyToAccount(generatePrivateKey()));
  const signer = kind === 'solana' ? solanaSigner() : tronSigner();
  const chain = kind === 'solana' ? SOLANA_MAINNET : TRON_MAINNET;
  const challenge = await askChallenge(browser, `${chain}:${signer.address}`);
  const response = await submitSignature(browser, challenge.message, signer.sign(challenge.message));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await json<{ binding: { id: string; account: string } }>(response)).binding;
}

type Person = Parameters<typeof steppedUpSession>[3];

/** A signed-in citizen (fictitious IIN; names as an identity source gives them) with accounts linked. */
async function citizenWith(server: TestServer, kinds: AccountKind[], person: Person = {}): Promise<Citizen> {
  const services = server.assembled.services;
  const [nationalId] = syntheticIins(1);
  const { token, identityId } = await steppedUpSession(services, nationalId!, 'low', person);
  const browser = server.browser();
  browser.cookies.set(cookiePolicy(services.config).session, token);
  const accounts = [];
  for (const kind of kinds) accounts.push(await linkAccount(browser, kind));
  return { browser, identityId, nationalId: nationalId!, token, accounts };
}

export async function seedPageStates(server: TestServer): Promise<PageStates> {
  const services = server.assembled.services;
  const [regulator] = await signedInCitizens(server, 1);
  await setRegulatorRole(services, regulator!.nationalId, true);
  const actor: RegulatorActor = { id: regulator!.identityId, via: 'officer', access: TEST_ACCESS };
  const act = (action: 'suspend' | 'revoke', target: { account: string } | { identity: string }) =>
    applyRegulatorAction(services, actor, action, {
      target,
      reason: 'court_order',
      legalReference: LEGAL_REFERENCE,
    });

  await seedActivityHistory(server, act);

  const linked = await citizenWith(server, ['eip155', 'solana', 'tron'], {
    givenName: 'Айгүл',
    familyName: 'Серікбаева',
    birthDate: '1990-01-01',
  });

  const suspendedBinding = await citizenWith(server, ['eip155', 'eip155', 'solana'], {
    givenName: 'Данияр',
    familyName: 'Омаров',
    patronymic: 'Ерланұлы',
    birthDate: '1990-01-01',
  });
  const [, suspended, unlinked] = suspendedBinding.accounts;
  await act('suspend', { account: suspended!.account });
  const unlink = await suspendedBinding.browser.request('DELETE', `/v1/wallets/${unlinked!.id}`);
  expect(unlink.status, await unlink.clone().text()).toBe(200);

  const suspendedIdentity = await citizenWith(server, ['eip155'], { givenName: 'Ольга', familyName: 'Ким' });
  await act('suspend', { identity: suspendedIdentity.identityId });

  const revokedIdentity = await citizenWith(server, ['eip155', 'tron'], {
    givenName: 'Марат',
    familyName: 'Жақсылықов',
  });
  await act('revoke', { identity: revokedIdentity.identityId });

  const toSuspend = await citizenWith(server, ['eip155', 'eip155', 'eip155']);

  const contested = privateKeyToAccount(generatePrivateKey());
  const [holder, claimant] = await signedInCitizens(server, 2);
  await linkEoa(holder!.browser, contested);
  const claim = await askChallenge(claimant!.browser, `eip155:1:${contested.address}`);
  const refused = await submitSignature(
    claimant!.browser,
    claim.message,
    await contested.signMessage({ message: claim.message }),
  );
  expect(refused.status).toBe(409);
  const conflictId = (await listConflicts(services, 'open'))[0]!.id;

  // An exchange's lookups, for the query log.
  const exchange = api(server, (await apiClient(server, ['attestations:read'])).key);
  await exchange.get(`/v1/attestations/${linked.accounts[0]!.account}`);
  await exchange.post('/v1/attestations/query', {
    accounts: [...linked.accounts, ...suspendedBinding.accounts].map((a) => a.account),
  });
  await services.queryLog.flush();

  return { linked, suspendedBinding, suspendedIdentity, revokedIdentity, toSuspend, conflictId };
}

/**
 * Links, suspensions and revocations on each of the last three weeks' days, made with the
 * test clock set back (by people no page shows, whose sessions are then long past).
 */
async function seedActivityHistory(
  server: TestServer,
  act: (action: 'suspend' | 'revoke', target: { account: string }) => Promise<unknown>,
) {
  const day = 24 * 3600;
  try {
    for (let daysAgo = 21; daysAgo >= 1; daysAgo--) {
      server.clock.offsetMs = -daysAgo * day * 1000;
      const links = 1 + ((daysAgo * 7) % 4);
      const person = await citizenWith(
        server,
        Array.from({ length: links }, () => 'eip155' as const),
      );
      if (daysAgo % 3 === 0) await act('suspend', { account: person.accounts[0]!.account });
      if (daysAgo % 5 === 0) await act('revoke', { account: person.accounts.at(-1)!.account });
    }
  } finally {
    server.clock.offsetMs = 0;
  }
}
