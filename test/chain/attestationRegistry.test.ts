// WalletAttestationRegistry as an EAS schema resolver, on the real EAS and SchemaRegistry
// bytecode: delegated attestations by a relayer and every way they are refused, status
// changes by the attester, a regulator and nobody else, a consumer contract, and the gas
// each operation takes (docs/contracts.md quotes these figures).
import {
  type Address,
  type BaseError,
  ContractFunctionRevertedError,
  custom,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  type LocalAccount,
  parseEther,
  parseSignature,
  type TypedDataDefinition,
  zeroHash,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AttestationRegistryClient,
  attestOnchain,
  changeStatusOnchain,
  recordOf,
  revokeOnchain,
  schemaUidOf,
  uidOfData,
} from '../../src/chains/attestationRegistry.js';
import {
  verifiedOnlyVaultAbi,
  verifiedOnlyVaultBytecode,
  walletAttestationRegistryAbi,
} from '../../src/chains/contracts.generated.js';
import { easAbi } from '../../src/chains/easAbi.js';
import {
  delegatedAttestTypedData,
  encodeAttestationData,
  statusChangeTypedData,
} from '../../src/chains/easDelegation.js';
import { createChainAttestations } from '../../src/chains/evmChains.js';
import { ATTESTATION_SCHEMA } from '../../src/domain/attestations/easAttestation.js';
import { startTestChain, type TestChain } from '../helpers/chain.js';
import { deployEas, type EasDeployment } from './eas.js';

let chain: TestChain;
let deployment: EasDeployment;
let admin: LocalAccount;
let attester: LocalAccount;
let relayer: LocalAccount;
let regulator: LocalAccount;
let stranger: LocalAccount;
let nextRecipient = 0;
const gas: Record<string, bigint> = {};

const now = () => Math.floor(Date.now() / 1000);
const YEAR = 365 * 86_400;

beforeAll(async () => {
  chain = await startTestChain();
  [admin, attester, relayer, regulator, stranger] = chain.accounts;
  deployment = await deployEas(chain, { admin, attester: attester.address });
  const grant = await chain.walletClient(admin).writeContract({
    address: deployment.registry,
    abi: walletAttestationRegistryAbi,
    functionName: 'grantRole',
    args: [
      await chain.publicClient.readContract({
        address: deployment.registry,
        abi: walletAttestationRegistryAbi,
        functionName: 'REGULATOR_ROLE',
      }),
      regulator.address,
    ],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash: grant });
});
afterAll(() => chain.close());

function client(overrides: Partial<AttestationRegistryClient> & { signer?: LocalAccount } = {}) {
  const signer = overrides.signer ?? attester;
  return {
    chainId: chain.chainId,
    eas: deployment.eas,
    registry: deployment.registry,
    publicClient: chain.publicClient,
    walletClient: chain.walletClient(relayer),
    signTypedData: (typed: TypedDataDefinition) => signer.signTypedData(typed),
    attester: signer.address,
    now,
    ...overrides,
  } as AttestationRegistryClient;
}

/** A fresh recipient (one of the generated accounts) and attestation data for it. */
function newAttestation() {
  nextRecipient++;
  const recipient = `0x${(0x1000 + nextRecipient).toString(16).padStart(40, '0')}` as Address;
  const data = encodeAttestationData({
    account: `eip155:31337:${recipient}`,
    country: 'KZ',
    level: 'high',
    method: 'eip191',
    jti: `jti-${nextRecipient}-${Math.random()}`,
    statusIndex: nextRecipient,
    statusUri: 'https://attest.example/v1/status-lists/1',
  });
  return { recipient, data, expirationTime: now() + YEAR };
}

async function revertName(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return 'no revert';
  if ('errorName' in (error as object)) return (error as { errorName?: string }).errorName;
  const reverted = (error as BaseError).walk?.((e) => e instanceof ContractFunctionRevertedError);
  return (reverted as ContractFunctionRevertedError | null)?.data?.errorName ?? String(error);
}

const isVerified = (account: Address) =>
  chain.publicClient.readContract({
    address: deployment.registry,
    abi: walletAttestationRegistryAbi,
    functionName: 'isVerified',
    args: [account],
  });

async function attested() {
  const a = newAttestation();
  const { uid, gasUsed } = await attestOnchain(client(), a);
  return { ...a, uid, gasUsed };
}

/** A delegated request signed by `signer` for `attesterField`, ready to send as is. */
async function signedRequest(
  signer: LocalAccount,
  attesterField: Address,
  a: { recipient: Address; data: Hex; expirationTime: number },
  deadline: number,
) {
  const schema = await schemaUidOf(client());
  const nonce = await chain.publicClient.readContract({
    address: deployment.eas,
    abi: easAbi,
    functionName: 'getNonce',
    args: [attesterField],
  });
  const typed = delegatedAttestTypedData(
    { name: 'EAS', version: '1.3.0', chainId: chain.chainId, verifyingContract: deployment.eas },
    {
      attester: attesterField,
      schema,
      recipient: a.recipient,
      expirationTime: BigInt(a.expirationTime),
      data: a.data,
      nonce,
      deadline: BigInt(deadline),
    },
  );
  const sig = parseSignature(await signer.signTypedData(typed));
  return {
    schema,
    data: {
      recipient: a.recipient,
      expirationTime: BigInt(a.expirationTime),
      revocable: true,
      refUID: zeroHash,
      data: a.data,
      value: 0n,
    },
    signature: { v: Number(sig.v), r: sig.r, s: sig.s },
    attester: attesterField,
    deadline: BigInt(deadline),
  } as const;
}

const relay = async (request: Awaited<ReturnType<typeof signedRequest>>) => {
  const { request: prepared } = await chain.publicClient.simulateContract({
    address: deployment.eas,
    abi: easAbi,
    functionName: 'attestByDelegation',
    args: [request],
    account: relayer,
  });
  const hash = await chain.walletClient(relayer).writeContract(prepared);
  return chain.publicClient.waitForTransactionReceipt({ hash });
};

describe('attestation through EAS by a relayer', () => {
  it('registers its schema with itself as resolver', async () => {
    const schemaUid = await schemaUidOf(client());
    const record = await chain.publicClient.readContract({
      address: deployment.schemaRegistry,
      abi: [
        {
          type: 'function',
          name: 'getSchema',
          stateMutability: 'view',
          inputs: [{ name: 'uid', type: 'bytes32' }],
          outputs: [
            {
              type: 'tuple',
              components: [
                { name: 'uid', type: 'bytes32' },
                { name: 'resolver', type: 'address' },
                { name: 'revocable', type: 'bool' },
                { name: 'schema', type: 'string' },
              ],
            },
          ],
        },
      ] as const,
      functionName: 'getSchema',
      args: [schemaUid],
    });
    expect(record).toEqual({
      uid: schemaUid,
      resolver: deployment.registry,
      revocable: true,
      schema: ATTESTATION_SCHEMA,
    });
  });

  it('is a real EAS attestation by the attester, sent by the relayer, and the account is verified', async () => {
    const a = newAttestation();
    expect(await isVerified(a.recipient)).toBe(false);
    const { uid, txHash, gasUsed } = await attestOnchain(client(), a);
    gas.attest = gasUsed;
    const tx = await chain.publicClient.getTransaction({ hash: txHash });
    expect(getAddress(tx.from)).toBe(relayer.address);
    const onEas = await chain.publicClient.readContract({
      address: deployment.eas,
      abi: easAbi,
      functionName: 'getAttestation',
      args: [uid],
    });
    expect(onEas).toMatchObject({
      uid,
      attester: attester.address,
      recipient: a.recipient,
      expirationTime: BigInt(a.expirationTime),
      revocable: true,
      data: a.data,
      revocationTime: 0n,
    });
    expect(await isVerified(a.recipient)).toBe(true);
    expect(await recordOf(client(), a.recipient)).toMatchObject({
      uid,
      status: 'active',
      expirationTime: a.expirationTime,
    });
    expect(await uidOfData(client(), keccak256(a.data))).toBe(uid);
  });

  it('refuses a forged signature, a signer without the attester role, expired requests and replays', async () => {
    const a = newAttestation();
    // Signed by someone else in the attester's name: EAS refuses the signature.
    expect(await revertName(attestOnchain(client({ signer: stranger, attester: attester.address }), a))).toBe(
      'InvalidSignature',
    );
    // A valid EAS signature by an address without ATTESTER_ROLE: the resolver refuses.
    expect(await revertName(attestOnchain(client({ signer: stranger }), a))).toBe('UnknownAttester');
    // A request past its deadline, and an attestation already expired.
    expect(await revertName(attestOnchain(client({ now: () => now() - 7200 }), a))).toBe('DeadlineExpired');
    expect(await revertName(attestOnchain(client(), { ...a, expirationTime: now() - 60 }))).toBe(
      'InvalidExpirationTime',
    );
    expect(await isVerified(a.recipient)).toBe(false);

    // The same signed request sent twice: its nonce is spent, so the second is refused...
    const request = await signedRequest(attester, attester.address, a, now() + 600);
    expect((await relay(request)).status).toBe('success');
    expect(await revertName(relay(request))).toBe('InvalidSignature');
    // ...and the same attestation data signed afresh is refused by the resolver.
    expect(await revertName(attestOnchain(client(), a))).toBe('AlreadyAttested');
  });
});

describe('a publisher account behind a remote signer', () => {
  it('sends through eth_sendTransaction to the signer, which signs for its account', async () => {
    const signerAccount = chain.accounts[7];
    const signerUrl = 'http://signer.invalid';
    const seen: string[] = [];
    // The node itself stands in for the signer: it holds the account's key, as a signer would.
    const config = {
      id: 'eip155:31337',
      namespace: 'eip155',
      reference: '31337',
      rpcUrl: 'http://node.invalid',
      confirmations: 1,
    };
    const attestations = createChainAttestations(
      config,
      {
        eas: deployment.eas,
        registry: deployment.registry,
        publisher: { signerUrl, address: signerAccount.address },
      },
      config.rpcUrl,
      (target) =>
        custom({
          request: (args: { method: string; params?: unknown }) => {
            if (target.rpcUrl === signerUrl) seen.push(args.method);
            return chain.transport({ chain: chain.chain, retryCount: 0 }).request(args as never);
          },
        }),
    );
    expect(attestations.schemaUid).toBe(await schemaUidOf(client()));
    const { txHash } = await attestOnchain(
      client({ walletClient: attestations.walletClient, publicClient: attestations.publicClient }),
      newAttestation(),
    );
    expect(getAddress((await chain.publicClient.getTransaction({ hash: txHash })).from)).toBe(
      signerAccount.address,
    );
    expect(seen).toContain('eth_sendTransaction');
  });
});

describe('status changes', () => {
  const call = (from: LocalAccount, functionName: 'suspend' | 'reinstate' | 'revoke', account: Address) =>
    chain.publicClient
      .simulateContract({
        address: deployment.registry,
        abi: walletAttestationRegistryAbi,
        functionName,
        args: [account],
        account: from,
      })
      .then(async ({ request }) => {
        const hash = await chain.walletClient(from).writeContract(request);
        return chain.publicClient.waitForTransactionReceipt({ hash });
      });

  it('by the attester and by a regulator: suspend, reinstate, revoke (final); a third party is refused', async () => {
    for (const actor of [attester, regulator]) {
      const a = await attested();
      expect(await revertName(call(stranger, 'suspend', a.recipient))).toBe('NotAuthorized');
      expect(await revertName(call(relayer, 'revoke', a.recipient))).toBe('NotAuthorized');

      const suspended = await call(actor, 'suspend', a.recipient);
      expect(await isVerified(a.recipient)).toBe(false);
      expect((await recordOf(client(), a.recipient)).status).toBe('suspended');
      expect(await revertName(call(actor, 'suspend', a.recipient))).toBe('InvalidTransition');
      expect(await revertName(call(stranger, 'reinstate', a.recipient))).toBe('NotAuthorized');

      const reinstated = await call(actor, 'reinstate', a.recipient);
      expect(await isVerified(a.recipient)).toBe(true);

      const revoked = await call(actor, 'revoke', a.recipient);
      expect(await isVerified(a.recipient)).toBe(false);
      expect(await revertName(call(actor, 'reinstate', a.recipient))).toBe('InvalidTransition');
      expect(await revertName(call(actor, 'revoke', a.recipient))).toBe('InvalidTransition');
      if (actor === regulator) {
        gas.suspend = suspended.gasUsed;
        gas.reinstate = reinstated.gasUsed;
        gas.revoke = revoked.gasUsed;
      }
    }
    expect(await revertName(call(regulator, 'suspend', newAttestation().recipient))).toBe(
      'NoSuchAttestation',
    );
  });

  it('by the attester signature, relayed by anyone, once; not by a stranger signature', async () => {
    const a = await attested();
    const suspended = await changeStatusOnchain(client(), a.uid, 'suspended');
    gas.suspendBySignature = suspended.gasUsed;
    expect((await recordOf(client(), a.recipient)).status).toBe('suspended');
    const reinstated = await changeStatusOnchain(client(), a.uid, 'active');
    gas.reinstateBySignature = reinstated.gasUsed;
    expect(await isVerified(a.recipient)).toBe(true);

    expect(await revertName(changeStatusOnchain(client({ signer: stranger }), a.uid, 'suspended'))).toBe(
      'NotAuthorized',
    );
    expect(
      await revertName(
        changeStatusOnchain(client({ signer: stranger, attester: attester.address }), a.uid, 'suspended'),
      ),
    ).toBe('InvalidStatusSignature');

    // A signed change replayed: its nonce is spent.
    const nonce = await chain.publicClient.readContract({
      address: deployment.registry,
      abi: walletAttestationRegistryAbi,
      functionName: 'nonces',
      args: [attester.address],
    });
    const deadline = BigInt(now() + 600);
    const typed = statusChangeTypedData(
      {
        name: 'WalletAttestationRegistry',
        version: '1',
        chainId: chain.chainId,
        verifyingContract: deployment.registry,
      },
      { uid: a.uid, status: 'suspended', nonce, deadline },
    );
    const signature = await attester.signTypedData(typed);
    const submit = () =>
      chain.publicClient
        .simulateContract({
          address: deployment.registry,
          abi: walletAttestationRegistryAbi,
          functionName: 'changeStatusBySignature',
          args: [a.uid, 2, deadline, signature, attester.address],
          account: stranger,
        })
        .then(({ request }) => chain.walletClient(stranger).writeContract(request));
    await chain.publicClient.waitForTransactionReceipt({ hash: await submit() });
    expect((await recordOf(client(), a.recipient)).status).toBe('suspended');
    await changeStatusOnchain(client(), a.uid, 'active');
    expect(await revertName(submit())).toBe('InvalidStatusSignature');
    expect(await isVerified(a.recipient)).toBe(true);
  });

  it('a revocation through EAS by the attester revokes in the registry too; a newer attestation supersedes', async () => {
    const a = await attested();
    const revoked = await revokeOnchain(client(), a.uid);
    gas.revokeThroughEas = revoked.gasUsed;
    expect(await isVerified(a.recipient)).toBe(false);
    expect((await recordOf(client(), a.recipient)).status).toBe('revoked');
    expect(
      await chain.publicClient.readContract({
        address: deployment.eas,
        abi: easAbi,
        functionName: 'isAttestationValid',
        args: [a.uid],
      }),
    ).toBe(true); // valid = exists; its revocation time is set:
    expect(
      (
        await chain.publicClient.readContract({
          address: deployment.eas,
          abi: easAbi,
          functionName: 'getAttestation',
          args: [a.uid],
        })
      ).revocationTime,
    ).toBeGreaterThan(0n);

    // A new attestation of the same account (a new binding) makes it verified again.
    const again = await attestOnchain(client(), { ...newAttestation(), recipient: a.recipient });
    expect(await isVerified(a.recipient)).toBe(true);
    expect((await recordOf(client(), a.recipient)).uid).toBe(again.uid);
    // Status changes signed for the superseded one are refused.
    expect(await revertName(changeStatusOnchain(client(), a.uid, 'suspended'))).toBe('NoSuchAttestation');
  });
});

describe('a consumer contract (contracts/examples/VerifiedOnlyVault.sol)', () => {
  it('takes deposits from verified accounts only, and lets a suspended one withdraw', async () => {
    const vaultHash = await chain.walletClient(admin).deployContract({
      abi: verifiedOnlyVaultAbi,
      bytecode: verifiedOnlyVaultBytecode,
      args: [deployment.registry],
    });
    const vault = (await chain.publicClient.waitForTransactionReceipt({ hash: vaultHash })).contractAddress!;
    const depositor = chain.accounts[6];
    const deposit = (from: LocalAccount) =>
      chain.publicClient
        .simulateContract({
          address: vault,
          abi: verifiedOnlyVaultAbi,
          functionName: 'deposit',
          value: parseEther('1'),
          account: from,
        })
        .then(async ({ request }) =>
          chain.publicClient.waitForTransactionReceipt({
            hash: await chain.walletClient(from).writeContract(request),
          }),
        );

    expect(await revertName(deposit(depositor))).toBe('NotVerified');
    await attestOnchain(client(), { ...newAttestation(), recipient: depositor.address });
    const firstDeposit = await deposit(depositor);
    expect(firstDeposit.status).toBe('success');
    expect(
      await chain.publicClient.readContract({
        address: vault,
        abi: verifiedOnlyVaultAbi,
        functionName: 'balanceOf',
        args: [depositor.address],
      }),
    ).toBe(parseEther('1'));

    gas.isVerified = await chain.publicClient.estimateGas({
      to: deployment.registry,
      data: encodeFunctionData({
        abi: walletAttestationRegistryAbi,
        functionName: 'isVerified',
        args: [depositor.address],
      }),
      account: stranger,
    });
    // What the check adds to a consumer's transaction: a deposit by a verified account.
    gas.vaultDeposit = firstDeposit.gasUsed;

    await chain.walletClient(regulator).writeContract({
      address: deployment.registry,
      abi: walletAttestationRegistryAbi,
      functionName: 'suspend',
      args: [depositor.address],
    });
    expect(await revertName(deposit(depositor))).toBe('NotVerified');
    const { request } = await chain.publicClient.simulateContract({
      address: vault,
      abi: verifiedOnlyVaultAbi,
      functionName: 'withdraw',
      args: [parseEther('1')],
      account: depositor,
    });
    const withdrawn = await chain.publicClient.waitForTransactionReceipt({
      hash: await chain.walletClient(depositor).writeContract(request),
    });
    expect(withdrawn.status).toBe('success');
  });
});

describe('gas', () => {
  it('stays within the bounds docs/contracts.md states', () => {
    gas.deployRegistry = deployment.registryDeploymentGas;
    console.info('gas used:', Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)])));
    // EAS stores the attestation's data (seven ABI-encoded fields) in contract storage.
    expect(gas.attest).toBeLessThan(900_000n);
    expect(gas.suspend).toBeLessThan(60_000n);
    expect(gas.reinstate).toBeLessThan(60_000n);
    expect(gas.revoke).toBeLessThan(60_000n);
    expect(gas.suspendBySignature).toBeLessThan(90_000n);
    expect(gas.revokeThroughEas).toBeLessThan(160_000n);
    // A transaction that only calls isVerified: 21 000 of it is the intrinsic transaction cost.
    expect(gas.isVerified).toBeLessThan(30_000n);
  });
});
