// The linking guarantees every CAIP-122 namespace must keep, over real HTTP: the message's
// fields, one binding per proof, the JWT (and no EIP-712 form), every field tampered,
// replay, expiry, another key, another session, a late step-up, and the exchanges' view
// (lookup, batch, match, the new-holder notification). Each namespace's suite runs it.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiClient, webhookReceiver } from '../exchange/exchangeFlow.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from '../http/citizenFlow.js';
import { askChallenge, type BindingJson, signedInCitizens, submitSignature } from '../http/walletFlow.js';
import type { TestSigner } from './namespaceSigners.js';

export interface NamespaceCase {
  /** The word in "sign in with your … account". */
  blockchain: string;
  /** The configured CAIP-2 chain the suite links on. */
  chain: string;
  /** A chain of the same namespace that is not configured. */
  unconfiguredChain: string;
  /** What the message's Chain ID line says for `chain`. */
  chainIdLine: string;
  method: string;
  newSigner(): TestSigner;
}

const FIELD_LINES: readonly [string, (lines: string[]) => void][] = [
  ['domain', (l) => (l[0] = l[0]!.replace(/^[^ ]+/, 'evil.example'))],
  ['statement', (l) => (l[3] = `${l[3]} Also send everything.`)],
  ['uri', (l) => (l[5] = 'URI: https://evil.example')],
  ['version', (l) => (l[6] = 'Version: 2')],
  ['chainId', (l) => (l[7] = 'Chain ID: 0x00000000')],
  ['issuedAt', (l) => (l[9] = 'Issued At: 2020-01-01T00:00:00.000Z')],
  ['expirationTime', (l) => (l[10] = 'Expiration Time: 2099-01-01T00:00:00.000Z')],
];

export function namespaceLinkingSuite(c: NamespaceCase) {
  let server: TestServer;
  let exchange: { id: string; key: string };
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  let webhookId: string;

  beforeAll(async () => {
    server = await startTestServer({ CHAINS: `eip155:1,${c.chain}` });
    exchange = await apiClient(server, ['attestations:read', 'identity:match', 'webhooks:manage']);
    receiver = await webhookReceiver(server.clock);
    const created = await api(server, exchange.key).post('/v1/webhooks', { url: receiver.url });
    expect(created.status, await created.clone().text()).toBe(201);
    webhookId = (await json<{ webhook: { id: string } }>(created)).webhook.id;
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  async function link(browser: TestBrowser, signer: TestSigner) {
    const challenge = await askChallenge(browser, `${c.chain}:${signer.address}`);
    const response = await submitSignature(browser, challenge.message, signer.sign(challenge.message));
    expect(response.status, await response.clone().text()).toBe(201);
    return json<{ binding: BindingJson; attestation: { id: string; jwt: string; eip712?: unknown } }>(
      response,
    );
  }

  describe(`linking a ${c.blockchain} account`, () => {
    it('issues a CAIP-122 challenge with every field and binds the account with a JWT attestation only', async () => {
      const [citizen] = await signedInCitizens(server, 1);
      const signer = c.newSigner();
      const account = `${c.chain}:${signer.address}`;
      const challenge = await askChallenge(citizen!.browser, account);
      expect(challenge.account).toBe(account);
      const lines = challenge.message.split('\n');
      expect(lines[0]).toBe(
        `${new URL(server.baseUrl).host} wants you to sign in with your ${c.blockchain} account:`,
      );
      expect(lines[1]).toBe(signer.address);
      expect(lines[3]).toMatch(/^Link this account to my verified identity at wallet-attest/);
      expect(lines.slice(5)).toEqual([
        `URI: ${server.baseUrl}`,
        'Version: 1',
        `Chain ID: ${c.chainIdLine}`,
        `Nonce: ${challenge.nonce}`,
        `Issued At: ${challenge.issuedAt}`,
        `Expiration Time: ${challenge.expiresAt}`,
      ]);
      expect(challenge.nonce).toMatch(/^[0-9a-f]{32}$/); // 128 bits
      const lifetime = Date.parse(challenge.expiresAt) - Date.parse(challenge.issuedAt);
      expect(lifetime).toBeGreaterThan(0);
      expect(lifetime).toBeLessThanOrEqual(10 * 60 * 1000);
      expect(challenge.challengeHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(challenge.onchain).toBeUndefined();

      const response = await submitSignature(
        citizen!.browser,
        challenge.message,
        signer.sign(challenge.message),
      );
      expect(response.status, await response.clone().text()).toBe(201);
      const { binding, attestation } = await json<{
        binding: BindingJson;
        attestation: { id: string; jwt: string; eip712?: unknown };
      }>(response);
      expect(binding).toMatchObject({ account, chainId: c.chain, method: c.method, status: 'active' });
      expect(attestation.eip712).toBeUndefined();
      expect(decodeJwt(attestation.jwt)).toMatchObject({ sub: account, method: c.method });
      const asJwt = await citizen!.browser.get(`/v1/wallets/${binding.id}/attestation?format=jwt`);
      expect(await asJwt.text()).toBe(attestation.jwt);
      await expectProblem(
        await citizen!.browser.get(`/v1/wallets/${binding.id}/attestation?format=eip712`),
        404,
        'not-found',
      );

      // Proving it again answers the existing binding.
      const again = await askChallenge(citizen!.browser, account);
      const repeat = await submitSignature(citizen!.browser, again.message, signer.sign(again.message));
      expect(repeat.status).toBe(200);
      const me = await json<{ bindings: BindingJson[] }>(await citizen!.browser.get('/v1/me'));
      expect(me.bindings.map((b) => b.account)).toEqual([account]);
    });

    it('refuses another key, a replay, an expired challenge, another session and a late step-up', async () => {
      const [citizen, other] = await signedInCitizens(server, 2);
      const signer = c.newSigner();
      const account = `${c.chain}:${signer.address}`;

      const forStranger = await askChallenge(citizen!.browser, account);
      const wrong = await expectProblem(
        await submitSignature(citizen!.browser, forStranger.message, c.newSigner().sign(forStranger.message)),
        422,
        'signature-invalid',
      );
      expect(wrong.detail).toContain(signer.address);

      const used = await askChallenge(citizen!.browser, account);
      const usedSignature = signer.sign(used.message);
      expect((await submitSignature(citizen!.browser, used.message, usedSignature)).status).toBe(201);
      await expectProblem(
        await submitSignature(citizen!.browser, used.message, usedSignature),
        400,
        'challenge-invalid',
      );

      const foreign = await askChallenge(citizen!.browser, account);
      await expectProblem(
        await submitSignature(other!.browser, foreign.message, signer.sign(foreign.message)),
        400,
        'challenge-invalid',
      );

      const late = await askChallenge(citizen!.browser, account);
      server.clock.advance(5 * 60 + 1);
      try {
        await expectProblem(
          await submitSignature(citizen!.browser, late.message, signer.sign(late.message)),
          403,
          'step-up-required',
        );
      } finally {
        server.clock.advance(-(5 * 60 + 1));
      }

      const expiring = await askChallenge(other!.browser, `${c.chain}:${c.newSigner().address}`);
      server.clock.advance(10 * 60 + 1);
      try {
        await server.assembled.db
          .updateTable('sessions')
          .set({ passkey_verified_at: server.clock.now().toISOString() })
          .execute();
        await expectProblem(
          await submitSignature(other!.browser, expiring.message, 'x'.repeat(88)),
          400,
          'challenge-expired',
        );
      } finally {
        server.clock.advance(-(10 * 60 + 1));
        await server.assembled.db
          .updateTable('sessions')
          .set({ passkey_verified_at: server.clock.now().toISOString() })
          .execute();
      }
    });

    it.each(FIELD_LINES)(
      'refuses a message whose %s was changed, even when signed by the account',
      async (field, alter) => {
        const [citizen] = await signedInCitizens(server, 1);
        const signer = c.newSigner();
        const challenge = await askChallenge(citizen!.browser, `${c.chain}:${signer.address}`);
        const lines = challenge.message.split('\n');
        alter(lines);
        const tampered = lines.join('\n');
        expect(tampered).not.toBe(challenge.message);
        const problem = await expectProblem(
          await submitSignature(citizen!.browser, tampered, signer.sign(tampered)),
          400,
          'message-mismatch',
        );
        expect((problem as { fields?: string[] }).fields).toEqual([field]);
      },
    );

    it('refuses a message for another address, another nonce, or with another layout', async () => {
      const [citizen] = await signedInCitizens(server, 1);
      const signer = c.newSigner();
      const other = c.newSigner();
      const challenge = await askChallenge(citizen!.browser, `${c.chain}:${signer.address}`);
      const forOther = challenge.message.replace(signer.address, other.address);
      const problem = await expectProblem(
        await submitSignature(citizen!.browser, forOther, other.sign(forOther)),
        400,
        'message-mismatch',
      );
      expect((problem as { fields?: string[] }).fields).toEqual(['address']);

      const next = await askChallenge(citizen!.browser, `${c.chain}:${signer.address}`);
      const otherNonce = next.message.replace(next.nonce, 'f'.repeat(32));
      await expectProblem(
        await submitSignature(citizen!.browser, otherNonce, signer.sign(otherNonce)),
        400,
        'challenge-invalid',
      );

      const third = await askChallenge(citizen!.browser, `${c.chain}:${signer.address}`);
      const crlf = third.message.replace(/\n/g, '\r\n');
      const layout = await expectProblem(
        await submitSignature(citizen!.browser, crlf, signer.sign(crlf)),
        400,
        'message-mismatch',
      );
      expect((layout as { fields?: string[] }).fields).toEqual([]);
    });

    it('refuses accounts on chains that are not configured, and on-chain proofs', async () => {
      const [citizen] = await signedInCitizens(server, 1);
      const signer = c.newSigner();
      await expectProblem(
        await citizen!.browser.post('/v1/wallets/challenge', {
          account: `${c.unconfiguredChain}:${signer.address}`,
        }),
        422,
        'unsupported-chain',
      );
      await expectProblem(
        await citizen!.browser.post('/v1/wallets/onchain-proof', {
          account: `${c.chain}:${signer.address}`,
          txHash: `0x${'ab'.repeat(32)}`,
        }),
        422,
        'proof-method-unavailable',
      );
    });
  });

  describe(`exchanges and ${c.blockchain} accounts`, () => {
    it('find the namespace, its chains and proof methods in /.well-known/wallet-attestation', async () => {
      const metadata = await json<{
        namespaces: {
          namespace: string;
          chains: string[];
          proof_methods: string[];
          attestation_forms: string[];
        }[];
        chains: { id: string; namespace: string; proof_methods: string[]; attestation_forms: string[] }[];
        proof_methods: string[];
        formats: { eip712: { domains: { chain: string }[] } };
      }>(await server.browser().get('/.well-known/wallet-attestation'));
      const namespace = c.chain.split(':')[0]!;
      expect(metadata.namespaces.map((n) => n.namespace)).toEqual(['eip155', namespace]);
      expect(metadata.namespaces[1]).toMatchObject({
        chains: [c.chain],
        proof_methods: [c.method],
        attestation_forms: ['jwt'],
      });
      expect(metadata.chains.find((chain) => chain.id === c.chain)).toMatchObject({
        namespace,
        proof_methods: [c.method],
        attestation_forms: ['jwt'],
        contract_wallets: false,
        onchain_proof: false,
      });
      expect(metadata.proof_methods).toEqual(['eip191', c.method]);
      expect(metadata.formats.eip712.domains.map((d) => d.chain)).toEqual(['eip155:1']);
    });

    it('look accounts up one by one and in batches, match them, and hear of a new holder', async () => {
      const [citizen] = await signedInCitizens(server, 1);
      const signer = c.newSigner();
      const account = `${c.chain}:${signer.address}`;
      const before = await api(server, exchange.key).get(`/v1/attestations/${account}`);
      expect(before.status).toBe(200);
      expect(await json(before)).toMatchObject({ account, status: 'none' });
      await server.assembled.services.queryLog.flush();

      const { binding } = await link(citizen!.browser, signer);
      const rows = await server.assembled.db
        .selectFrom('webhook_deliveries')
        .select(['payload'])
        .where('webhook_id', '=', webhookId)
        .execute();
      expect(
        rows
          .map((row) => (JSON.parse(row.payload) as { data: { account: string } }).data)
          .filter((data) => data.account === account),
      ).toEqual([{ account, status: 'active', previousStatus: 'none', reason: 'linked' }]);

      const one = await json<{
        status: string;
        method: string;
        attestation: { jwt: string; eip712?: unknown };
      }>(await api(server, exchange.key).get(`/v1/attestations/${account}`));
      expect(one).toMatchObject({ status: 'active', method: c.method });
      expect(decodeJwt(one.attestation.jwt).sub).toBe(account);
      expect(one.attestation.eip712).toBeUndefined();

      const unbound = `${c.chain}:${c.newSigner().address}`;
      const batch = await api(server, exchange.key).post('/v1/attestations/query', {
        accounts: [account, unbound],
      });
      expect(batch.status, await batch.clone().text()).toBe(200);
      const { results } = await json<{ results: { account: string; status: string }[] }>(batch);
      expect(results.map((r) => [r.account, r.status])).toEqual([
        [account, 'active'],
        [unbound, 'none'],
      ]);

      const match = await api(server, exchange.key).post('/v1/attestations/match', {
        account: binding.account,
        nationalId: citizen!.nationalId,
      });
      expect(await json(match)).toEqual({ match: true, status: 'active' });
    });
  });
}
