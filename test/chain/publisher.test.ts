// The chain publisher through the assembled service: linking an account on a chain that
// publishes attestations puts a real EAS attestation there; status changes by a regulator
// follow; the chain stays in step with the database across an RPC outage, lost answers
// (transactions mined while the service saw an error) and a restart of the service.
import type { Kysely } from 'kysely';
import { type Address, getAddress, type Hex, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walletAttestationRegistryAbi } from '../../src/chains/contracts.generated.js';
import { easAbi } from '../../src/chains/easAbi.js';
import { attestationSchemaUid } from '../../src/chains/easDelegation.js';
import type { SignedEasAttestation } from '../../src/domain/attestations/easAttestation.js';
import { silentLogger } from '../../src/observability/logger.js';
import { type AssembledApp, assemble } from '../../src/runtime/assemble.js';
import { startBackgroundWork } from '../../src/runtime/backgroundWork.js';
import { ChainPublisher } from '../../src/services/chainPublisher.js';
import { setRegulatorRole } from '../../src/services/regulator.js';
import type { Database } from '../../src/store/database.js';
import { api, apiClient } from '../exchange/exchangeFlow.js';
import { startTestChain, type TestChain } from '../helpers/chain.js';
import { openCaseIn } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestBrowser, TestClock, type TestServer } from '../helpers/server.js';
import { json } from '../http/citizenFlow.js';
import { askChallenge, signedInCitizens, submitSignature } from '../http/walletFlow.js';
import { deployEas, type EasDeployment, grantAttesterRole } from './eas.js';
import { startRpcServer, type TestRpcServer } from './rpcServer.js';

const CHAIN = 'eip155:31337';
const LEGAL = 'Court of Astana, case 2-1234/2026';

let chain: TestChain;
let deployment: EasDeployment;
let rpc: TestRpcServer;
let server: TestServer;
let citizen: TestBrowser;
let officer: TestBrowser;
/** A second instance of the service on the same database: the restart. */
let restarted: AssembledApp | undefined;
let attester: Address;

beforeAll(async () => {
  chain = await startTestChain();
  const [admin, , relayer] = chain.accounts;
  // Deployed before the service's attester key is known; the admin grants it the role below.
  deployment = await deployEas(chain, { admin, attester: admin.address });
  rpc = await startRpcServer(chain);
  server = await startTestServer({
    CHAINS: `eip155:1,${CHAIN}`,
    CHAIN_EIP155_31337_RPC_URL: rpc.url,
    CHAIN_EIP155_31337_EAS: deployment.eas,
    CHAIN_EIP155_31337_ATTESTATION_REGISTRY: deployment.registry,
    CHAIN_EIP155_31337_PUBLISHER_KEY: chain.privateKeys[2],
  });
  expect(relayer.address).toBe(privateKeyToAccount(chain.privateKeys[2]).address);
  attester = await server.assembled.services.keys.attesterAddress();
  const [holder, regulator] = await signedInCitizens(server, 2);
  citizen = holder!.browser;
  await setRegulatorRole(server.assembled.services, regulator!.nationalId, true);
  officer = regulator!.browser;
  openCaseIn(server, officer);
});

afterAll(async () => {
  await restarted?.close();
  await server?.close();
  await rpc?.close();
  await chain?.close();
});

async function link(signer: LocalAccount) {
  const challenge = await askChallenge(citizen, `${CHAIN}:${signer.address}`);
  const response = await submitSignature(
    citizen,
    challenge.message,
    await signer.signMessage({ message: challenge.message }),
  );
  expect(response.status, await response.clone().text()).toBe(201);
  return (await json<{ binding: { id: string; account: string } }>(response)).binding;
}

const read = {
  isVerified: (account: Address) =>
    chain.publicClient.readContract({
      address: deployment.registry,
      abi: walletAttestationRegistryAbi,
      functionName: 'isVerified',
      args: [account],
    }),
  record: (account: Address) =>
    chain.publicClient.readContract({
      address: deployment.registry,
      abi: walletAttestationRegistryAbi,
      functionName: 'attestationOf',
      args: [account],
    }),
  eas: (uid: Hex) =>
    chain.publicClient.readContract({
      address: deployment.eas,
      abi: easAbi,
      functionName: 'getAttestation',
      args: [uid],
    }),
};

const STATUS = { none: 0, active: 1, suspended: 2, revoked: 3 } as const;

function publications(db: Kysely<Database>, bindingId: string) {
  return db
    .selectFrom('chain_publications')
    .selectAll()
    .where('binding_id', '=', bindingId)
    .orderBy('created_at')
    .execute();
}

async function onchainOf(db: Kysely<Database>, bindingId: string) {
  return db
    .selectFrom('chain_attestations as c')
    .innerJoin('attestations as a', 'a.id', 'c.attestation_id')
    .select(['c.uid', 'c.status', 'a.eip712', 'a.status as dbStatus'])
    .where('a.binding_id', '=', bindingId)
    .execute();
}

const act = (path: string, target: unknown, reason = 'fraud') =>
  officer.post(`/v1/regulator/${path}`, { target, reason, legalReference: LEGAL });

describe('the chain publisher', () => {
  let holder: LocalAccount;
  let bindingId: string;
  let uid: Hex;

  it('publishes a new attestation as a real EAS attestation of the registry schema, signed by the attester', async () => {
    holder = privateKeyToAccount(generatePrivateKey());
    const binding = await link(holder);
    bindingId = binding.id;
    const { db } = server.assembled;
    const [queued] = await publications(db, bindingId);
    // Before it is mined, the lookup names the contracts but no UID.
    const early = await apiClient(server, ['attestations:read']);
    const before = await json<{ onchain: Record<string, string> }>(
      await api(server, early.key).get(`/v1/attestations/${CHAIN}:${holder.address}`),
    );
    expect(before.onchain).toEqual({
      chain: CHAIN,
      eas: deployment.eas,
      registry: deployment.registry,
      schemaUid: attestationSchemaUid(deployment.registry),
    });
    expect(queued).toMatchObject({
      chain_id: CHAIN,
      event: 'attestation.issued',
      status: 'pending',
      attempts: 0,
    });
    expect(await read.isVerified(holder.address)).toBe(false);

    // The registry's admin has not granted the service's attester key its role yet: the
    // resolver refuses, and the row waits for a retry rather than being given up.
    const publisher = new ChainPublisher(server.assembled.services);
    expect(await publisher.publishDue()).toMatchObject({ published: 0, failed: 0, retrying: 1 });
    const waiting = (await publications(db, bindingId))[0]!;
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting.last_error).toMatch(/UnknownAttester/);
    await grantAttesterRole(chain, deployment, attester);
    server.clock.advance(10);
    const report = await publisher.publishDue();
    expect(report).toMatchObject({ published: 1, failed: 0, retrying: 0 });
    expect((await publications(db, bindingId))[0]).toMatchObject({ status: 'published', attempts: 2 });

    const [onchain] = await onchainOf(db, bindingId);
    uid = onchain!.uid as Hex;
    const eip712 = (JSON.parse(onchain!.eip712) as SignedEasAttestation).sig;
    // The off-chain form names the chain's EAS and the registry's schema...
    expect(eip712.domain.verifyingContract).toBe(deployment.eas);
    expect(eip712.message.schema).toBe(attestationSchemaUid(deployment.registry));
    // ...and the on-chain one carries the same data, by the attester, for the account.
    expect(await read.eas(uid)).toMatchObject({
      uid,
      schema: eip712.message.schema,
      recipient: holder.address,
      attester,
      data: eip712.message.data,
      expirationTime: BigInt(eip712.message.expirationTime),
    });
    expect(await read.isVerified(holder.address)).toBe(true);
    expect(onchain!.status).toBe('active');

    // The exchange lookup and the issuer metadata name the contracts, and the lookup the UID.
    const exchange = await apiClient(server, ['attestations:read']);
    const lookup = await json<{ onchain: Record<string, string> }>(
      await api(server, exchange.key).get(`/v1/attestations/${CHAIN}:${holder.address}`),
    );
    expect(lookup.onchain).toEqual({
      chain: CHAIN,
      eas: deployment.eas,
      registry: deployment.registry,
      schemaUid: eip712.message.schema,
      uid,
      status: 'active',
    });
    const metadataResponse = await fetch(`${server.baseUrl}/.well-known/wallet-attestation`);
    expect(metadataResponse.status, await metadataResponse.clone().text()).toBe(200);
    const metadata = await json<{ chains: { id: string; attestations?: unknown }[] }>(metadataResponse);
    expect(metadata.chains.find((c) => c.id === CHAIN)?.attestations).toEqual({
      eas: deployment.eas,
      registry: deployment.registry,
      schema_uid: eip712.message.schema,
    });
    expect(metadata.chains.find((c) => c.id === 'eip155:1')?.attestations).toBeUndefined();

    // Running again with nothing due sends nothing.
    const sent = rpc.calls.get('eth_sendRawTransaction');
    expect(await new ChainPublisher(server.assembled.services).publishDue()).toMatchObject({ published: 0 });
    expect(rpc.calls.get('eth_sendRawTransaction')).toBe(sent);
  });

  it('keeps the chain in step across an RPC outage and a restart of the service', async () => {
    const first = new ChainPublisher(server.assembled.services);
    rpc.down = true;
    expect((await act('suspensions', { account: `${CHAIN}:${holder.address}` })).status).toBe(200);
    const report = await first.publishDue();
    expect(report.retrying).toBe(1);
    expect(report.unreachable.get(CHAIN)).toMatch(/503|unavailable/i);
    const [, suspension] = await publications(server.assembled.db, bindingId);
    expect(suspension).toMatchObject({ event: 'binding.suspended', status: 'pending', attempts: 1 });
    expect(suspension!.last_error).toMatch(/503|unavailable/i);
    expect(suspension!.locked_until).toBeNull();
    // Backing off: the row is not due again before its retry time.
    expect(new Date(suspension!.next_attempt_at).getTime()).toBeGreaterThan(
      server.clock.now().getTime() + 4000,
    );
    const refused = rpc.calls.get('eth_call') ?? 0;
    expect(await first.publishDue()).toMatchObject({ published: 0, retrying: 0 });
    expect(rpc.calls.get('eth_call') ?? 0).toBe(refused);
    expect((await read.record(holder.address)).status).toBe(STATUS.active);

    // The service restarts (a new process on the same database) while the node is still away.
    const clock = new TestClock();
    clock.offsetMs = server.clock.offsetMs;
    restarted = await assemble(server.assembled.services.config, { clock, logger: silentLogger });
    const second = new ChainPublisher(restarted.services);
    clock.advance(10);
    expect(await second.publishDue()).toMatchObject({ published: 0, retrying: 1 });

    // The node is back: once the retry is due, the suspension reaches the chain.
    rpc.down = false;
    clock.advance(30);
    expect(await second.publishDue()).toMatchObject({ published: 1, retrying: 0 });
    expect(await read.isVerified(holder.address)).toBe(false);
    expect((await read.record(holder.address)).status).toBe(STATUS.suspended);
    expect((await onchainOf(restarted.db, bindingId))[0]!.status).toBe('suspended');
  });

  it('publishes once when the node mined a transaction but its answer was lost', async () => {
    const services = restarted!.services;
    const clock = services.clock as TestClock;
    const publisher = new ChainPublisher(services);
    expect((await act('reinstatements', { account: `${CHAIN}:${holder.address}` }, 'other')).status).toBe(
      200,
    );
    rpc.loseSendAnswers = 1;
    const sentBefore = rpc.calls.get('eth_sendRawTransaction') ?? 0;
    expect(await publisher.publishDue()).toMatchObject({ published: 0, retrying: 1 });
    // The transaction went through all the same.
    expect(rpc.calls.get('eth_sendRawTransaction')).toBe(sentBefore + 1);
    expect(await read.isVerified(holder.address)).toBe(true);
    clock.advance(30);
    expect(await publisher.publishDue()).toMatchObject({ published: 1 });
    // The retry read the chain, found it reinstated and sent nothing.
    expect(rpc.calls.get('eth_sendRawTransaction')).toBe(sentBefore + 1);
    expect((await onchainOf(restarted!.db, bindingId))[0]!.status).toBe('active');

    // The same for a new attestation: the registry knows its data, so it is not attested twice.
    const other = privateKeyToAccount(generatePrivateKey());
    const binding = await link(other);
    rpc.loseSendAnswers = 1;
    expect(await publisher.publishDue()).toMatchObject({ published: 0, retrying: 1 });
    const attested = await read.record(other.address);
    expect(attested.status).toBe(STATUS.active);
    clock.advance(30);
    expect(await publisher.publishDue()).toMatchObject({ published: 1 });
    expect(rpc.calls.get('eth_sendRawTransaction')).toBe(sentBefore + 2);
    expect((await onchainOf(restarted!.db, binding.id))[0]!.uid).toBe(attested.uid);
  });

  it('makes a regulator revocation in the service visible on-chain once the publisher loop runs', async () => {
    expect((await act('revocations', { account: `${CHAIN}:${holder.address}` })).status).toBe(200);
    expect(await read.isVerified(holder.address)).toBe(true);
    const work = startBackgroundWork(restarted!.services, { logger: silentLogger, intervalMs: 20 });
    try {
      const deadline = Date.now() + 5000;
      while ((await read.record(holder.address)).status !== STATUS.revoked && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await work.stop();
    }
    expect((await read.record(holder.address)).status).toBe(STATUS.revoked);
    expect(await read.isVerified(holder.address)).toBe(false);
    // Revoked through EAS, so EAS tools and explorers show it too.
    expect((await read.eas(uid)).revocationTime).toBeGreaterThan(0n);
    const rows = await publications(restarted!.db, bindingId);
    expect(rows.map((row) => [row.event, row.status])).toEqual([
      ['attestation.issued', 'published'],
      ['binding.suspended', 'published'],
      ['binding.reinstated', 'published'],
      ['binding.revoked', 'published'],
    ]);
    expect(getAddress((await read.eas(uid)).recipient)).toBe(holder.address);
  });
});
