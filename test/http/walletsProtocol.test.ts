// The protocol rules of linking over real HTTP: one accepted encoding of an EOA signature,
// the passkey step-up at the moment of linking, accounts a regulator revoked, suspended
// bindings, what `match` says about them, and the exchanges' notification of a new holder.
import {
  type Hex,
  parseSignature,
  recoverMessageAddress,
  serializeCompactSignature,
  serializeSignature,
  signatureToCompactSignature,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECP256K1_N } from '../../src/domain/accounts/index.js';
import { listAudit } from '../../src/store/repositories/auditLog.js';
import { listConflictReports } from '../../src/store/repositories/bindings.js';
import { api, apiClient, webhookReceiver } from '../exchange/exchangeFlow.js';
import { accessHeaders } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from './citizenFlow.js';
import {
  askChallenge,
  type BindingJson,
  linkEoa,
  signedInCitizens,
  submitSignature,
  syntheticIins,
} from './walletFlow.js';

let server: TestServer;
let regulator: { id: string; key: string };
let exchange: { id: string; key: string };
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
let webhookId: string;
const LEGAL = 'Court of Astana, case 2-1234/2026';

beforeAll(async () => {
  server = await startTestServer({ CHAINS: 'eip155:1' });
  regulator = await apiClient(server, ['regulator:read', 'regulator:act']);
  exchange = await apiClient(server, ['attestations:read', 'identity:match', 'webhooks:manage']);
  receiver = await webhookReceiver(server.clock);
  const created = await api(server, exchange.key).post('/v1/webhooks', { url: receiver.url });
  expect(created.status, await created.clone().text()).toBe(201);
  webhookId = (await json<{ webhook: { id: string } }>(created)).webhook.id;
});
afterAll(async () => {
  await receiver?.close();
  await server.close();
});

async function bindings(browser: TestBrowser) {
  return (await json<{ bindings: BindingJson[] }>(await browser.get('/v1/me'))).bindings;
}

/** Challenge, then the signer's honest signature passed through `alter`. */
async function submitAltered(
  browser: TestBrowser,
  signer: ReturnType<typeof privateKeyToAccount>,
  alter: (s: Hex) => Hex,
  recovers = true,
) {
  const challenge = await askChallenge(browser, `eip155:1:${signer.address}`);
  const honest = await signer.signMessage({ message: challenge.message });
  const altered = alter(honest);
  // The altered form still recovers the signer: only the encoding rule can refuse it.
  if (recovers) {
    expect(await recoverMessageAddress({ message: challenge.message, signature: altered })).toBe(
      signer.address,
    );
  }
  return submitSignature(browser, challenge.message, altered);
}

function regulatorAction(path: 'revocations' | 'suspensions', account: string) {
  return api(server, regulator.key).post(
    `/v1/regulator/${path}`,
    { target: { account }, reason: 'fraud', legalReference: LEGAL },
    accessHeaders(),
  );
}

async function lookup(account: string) {
  const response = await api(server, exchange.key).get(`/v1/attestations/${account}`);
  expect(response.status).toBe(200);
  // Interest in the account is recorded from the query log; write it out now.
  await server.assembled.services.queryLog.flush();
  return json<{ status: string }>(response);
}

async function notifications(account: string) {
  const rows = await server.assembled.db
    .selectFrom('webhook_deliveries')
    .select(['payload'])
    .where('webhook_id', '=', webhookId)
    .execute();
  return rows
    .map((row) => (JSON.parse(row.payload) as { data: { account: string } }).data)
    .filter((data) => data.account === account);
}

describe('EOA signatures have one accepted encoding', () => {
  it('refuses the malleated signature (n − s, v flipped), v as 0/1 and the 64-byte compact form', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const signer = privateKeyToAccount(generatePrivateKey());
    const malleated = await submitAltered(citizen!.browser, signer, (honest) => {
      const { r, s, v } = parseSignature(honest);
      const high = SECP256K1_N - BigInt(s);
      return serializeSignature({
        r,
        s: `0x${high.toString(16).padStart(64, '0')}`,
        v: v === 27n ? 28n : 27n,
      });
    });
    const problem = await expectProblem(malleated, 422, 'signature-not-canonical');
    expect(problem.detail).toMatch(/high s/);

    const zeroOne = await submitAltered(citizen!.browser, signer, (honest) => {
      const v = Number.parseInt(honest.slice(130), 16);
      return `${honest.slice(0, 130)}0${v - 27}` as Hex;
    });
    expect((await expectProblem(zeroOne, 422, 'signature-not-canonical')).detail).toMatch(/v is [01]/);

    // EIP-2098 compact: viem does not recover it, ethers would; refused either way.
    const compact = await submitAltered(
      citizen!.browser,
      signer,
      (honest) => serializeCompactSignature(signatureToCompactSignature(parseSignature(honest))),
      false,
    );
    expect(compact.status).toBe(422);
    expect(['signature-not-canonical', 'signature-invalid']).toContain(
      (await json<{ type: string }>(compact)).type.split('/').at(-1),
    );

    expect(await bindings(citizen!.browser)).toEqual([]);
    // The canonical form of the same key links.
    await linkEoa(citizen!.browser, signer);
  });
});

describe('step-up at the moment of linking', () => {
  it('refuses a proof submitted more than five minutes after the last passkey assertion', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const signer = privateKeyToAccount(generatePrivateKey());
    const challenge = await askChallenge(citizen!.browser, `eip155:1:${signer.address}`);
    const signature = await signer.signMessage({ message: challenge.message });
    server.clock.advance(5 * 60 + 20);
    try {
      const problem = await expectProblem(
        await submitSignature(citizen!.browser, challenge.message, signature),
        403,
        'step-up-required',
      );
      expect(problem).toMatchObject({ stepUp: '/v1/webauthn/authentication/options' });
    } finally {
      server.clock.advance(-(5 * 60 + 20));
    }
    expect(await bindings(citizen!.browser)).toEqual([]);
    const rows = await server.assembled.db
      .selectFrom('bindings')
      .select('id')
      .where('identity_id', '=', citizen!.identityId)
      .execute();
    expect(rows).toEqual([]);
  });
});

describe('a suspended binding', () => {
  it('is not reported as linked again, and 409s carry the binding status', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const signer = privateKeyToAccount(generatePrivateKey());
    const binding = await linkEoa(citizen!.browser, signer);
    expect((await regulatorAction('suspensions', binding.account)).status).toBe(200);

    const challenge = await askChallenge(citizen!.browser, binding.account);
    const relink = await expectProblem(
      await submitSignature(
        citizen!.browser,
        challenge.message,
        await signer.signMessage({ message: challenge.message }),
      ),
      409,
      'binding-not-active',
    );
    expect(relink).toMatchObject({ status: 409, bindingStatus: 'suspended' });
    expect(relink.detail).toMatch(/suspended/);

    const unlink = await expectProblem(
      await citizen!.browser.request('DELETE', `/v1/wallets/${binding.id}`),
      409,
      'binding-not-active',
    );
    expect(unlink).toMatchObject({ bindingStatus: 'suspended' });
    expect((await bindings(citizen!.browser)).map((b) => b.status)).toEqual(['suspended']);

    expect((await regulatorAction('revocations', binding.account)).status).toBe(200);
    const revoked = await expectProblem(
      await citizen!.browser.request('DELETE', `/v1/wallets/${binding.id}`),
      409,
      'binding-not-active',
    );
    expect(revoked).toMatchObject({ bindingStatus: 'revoked' });
  });
});

describe('an account a regulator revoked', () => {
  it('is held for review from another claimant until a regulator releases it; exchanges hear of the new holder', async () => {
    const [holder, claimant] = await signedInCitizens(server, 2);
    const signer = privateKeyToAccount(generatePrivateKey());
    const binding = await linkEoa(holder!.browser, signer);
    expect((await lookup(binding.account)).status).toBe('active');
    expect((await regulatorAction('revocations', binding.account)).status).toBe(200);
    expect((await lookup(binding.account)).status).toBe('revoked');

    const claim = async () => {
      const challenge = await askChallenge(claimant!.browser, binding.account);
      return submitSignature(
        claimant!.browser,
        challenge.message,
        await signer.signMessage({ message: challenge.message }),
      );
    };
    await expectProblem(await claim(), 409, 'account-under-review');
    expect((await lookup(binding.account)).status).toBe('revoked');
    const open = await listConflictReports(server.assembled.db, { account: binding.account, status: 'open' });
    expect(open).toEqual([
      expect.objectContaining({
        existing_binding_id: binding.id,
        claimant_identity_id: claimant!.identityId,
      }),
    ]);

    // Dismissed: the account stays held, and a new claim files a new report.
    const resolve = (id: string, resolution: 'dismiss' | 'revoke_existing') =>
      api(server, regulator.key).post(
        `/v1/regulator/conflicts/${id}/resolution`,
        { resolution, reason: 'other', legalReference: LEGAL },
        accessHeaders(),
      );
    expect((await resolve(open[0]!.id, 'dismiss')).status).toBe(200);
    await expectProblem(await claim(), 409, 'account-under-review');
    const again = await listConflictReports(server.assembled.db, {
      account: binding.account,
      status: 'open',
    });
    expect(again).toHaveLength(1);
    expect(await notifications(binding.account)).toEqual([
      expect.objectContaining({ status: 'revoked', previousStatus: 'active' }),
    ]);

    // Released (revoke_existing on the already revoked binding): the claimant links.
    expect((await resolve(again[0]!.id, 'revoke_existing')).status).toBe(200);
    const linked = await claim();
    expect(linked.status, await linked.clone().text()).toBe(201);
    expect((await lookup(binding.account)).status).toBe('active');
    expect(await notifications(binding.account)).toEqual([
      expect.objectContaining({ status: 'revoked', previousStatus: 'active' }),
      { account: binding.account, status: 'active', previousStatus: 'revoked', reason: 'linked' },
    ]);
    const created = (await json<{ binding: BindingJson }>(linked)).binding;
    const audit = await listAudit(server.assembled.db, { subjectId: created.id });
    expect(audit[0]).toMatchObject({ action: 'binding.created', details: { webhookDeliveries: 1 } });
  });

  it('lets its former holder link it again, still holds it from others, and frees what a holder unlinks', async () => {
    const [holder, other] = await signedInCitizens(server, 2);
    const signer = privateKeyToAccount(generatePrivateKey());
    const first = await linkEoa(holder!.browser, signer);
    expect((await regulatorAction('revocations', first.account)).status).toBe(200);
    const second = await linkEoa(holder!.browser, signer);
    expect((await holder!.browser.request('DELETE', `/v1/wallets/${second.id}`)).status).toBe(200);
    // The holder's own unlink does not release the regulator's earlier revocation.
    await expectProblem(
      await (async () => {
        const challenge = await askChallenge(other!.browser, first.account);
        return submitSignature(
          other!.browser,
          challenge.message,
          await signer.signMessage({ message: challenge.message }),
        );
      })(),
      409,
      'account-under-review',
    );
    const free = privateKeyToAccount(generatePrivateKey());
    const mine = await linkEoa(holder!.browser, free);
    expect((await holder!.browser.request('DELETE', `/v1/wallets/${mine.id}`)).status).toBe(200);
    await linkEoa(other!.browser, free);
  });

  it('notifies an exchange that looked a still unbound account up when it is first linked', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const signer = privateKeyToAccount(generatePrivateKey());
    const account = `eip155:1:${signer.address}`;
    expect((await lookup(account)).status).toBe('none');
    await linkEoa(citizen!.browser, signer);
    expect(await notifications(account)).toEqual([
      { account, status: 'active', previousStatus: 'none', reason: 'linked' },
    ]);
  });
});

describe('match', () => {
  it('answers the binding status with a match, and nothing more without one', async () => {
    const [citizen] = await signedInCitizens(server, 1);
    const binding = await linkEoa(citizen!.browser, privateKeyToAccount(generatePrivateKey()));
    const ask = async (nationalId: string) =>
      json(
        await api(server, exchange.key).post('/v1/attestations/match', {
          account: binding.account,
          nationalId,
        }),
      );
    const [wrong] = syntheticIins(1);
    expect(await ask(citizen!.nationalId)).toEqual({ match: true, status: 'active' });
    expect(await ask(wrong!)).toEqual({ match: false });
    expect((await regulatorAction('suspensions', binding.account)).status).toBe(200);
    expect(await ask(citizen!.nationalId)).toEqual({ match: true, status: 'suspended' });
    expect((await regulatorAction('revocations', binding.account)).status).toBe(200);
    expect(await ask(citizen!.nationalId)).toEqual({ match: true, status: 'revoked' });
    expect(await ask(wrong!)).toEqual({ match: false });
    expect(server.contractViolations).toEqual([]);
  });
});
