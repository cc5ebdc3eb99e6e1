// Contract wallets (ERC-1271, ERC-6492) and on-chain proofs through the service, against
// real contracts on an in-process EVM reached over JSON-RPC.
import {
  type Address,
  encodeFunctionData,
  type Hex,
  http,
  keccak256,
  type LocalAccount,
  numberToHex,
  parseSignature,
  serializeErc6492Signature,
  serializeSignature,
  stringToBytes,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlProofRegistryAbi } from '../../src/chains/registryAbi.js';
import { SECP256K1_N } from '../../src/domain/accounts/index.js';
import { artifact, startTestChain, type TestChain, walletProveControlCall } from '../helpers/chain.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from './citizenFlow.js';
import { askChallenge, type BindingJson, signedInCitizens, submitSignature } from './walletFlow.js';

let chain: TestChain;
let server: TestServer;
let registry: Address;
let otherRegistry: Address;
let factory: Address;
const CONFIRMATIONS = 3;

beforeAll(async () => {
  chain = await startTestChain();
  registry = await chain.deploy('ControlProofRegistry');
  otherRegistry = await chain.deploy('ControlProofRegistry');
  factory = await chain.deploy('SmartWalletFactory');
  server = await startTestServer(
    {
      CHAINS: 'eip155:31337,eip155:1337',
      CHAIN_EIP155_31337_RPC_URL: 'http://in-process.invalid',
      CHAIN_EIP155_31337_REGISTRY: registry,
      CHAIN_EIP155_31337_CONFIRMATIONS: String(CONFIRMATIONS),
      // Nothing listens here: the service must answer 502, not hang or crash.
      CHAIN_EIP155_1337_RPC_URL: 'http://127.0.0.1:9',
    },
    undefined,
    (config) =>
      config.id === 'eip155:31337' ? chain.transport : http(config.rpcUrl, { retryCount: 0, timeout: 2000 }),
  );
});
afterAll(() => server.close());

async function citizen(): Promise<TestBrowser> {
  return (await signedInCitizens(server, 1))[0]!.browser;
}

async function linkWith(browser: TestBrowser, account: string, sign: (message: string) => Promise<Hex>) {
  const challenge = await askChallenge(browser, account);
  return submitSignature(browser, challenge.message, await sign(challenge.message));
}

async function expectBinding(response: Response, method: string) {
  expect(response.status, await response.clone().text()).toBe(201);
  const { binding } = await json<{ binding: BindingJson }>(response);
  expect(binding.method).toBe(method);
  return binding;
}

function proveControl(from: LocalAccount, challengeHash: Hex, target: Address = registry) {
  return chain.walletClient(from).writeContract({
    address: target,
    abi: controlProofRegistryAbi,
    functionName: 'proveControl',
    args: [challengeHash],
    account: from,
    chain: null,
  });
}

function submitProof(browser: TestBrowser, account: string, txHash: Hex) {
  return browser.post('/v1/wallets/onchain-proof', { account, txHash });
}

describe('signatures checked through the chain', () => {
  it('refuses a malleated EOA signature (n − s, v flipped) checked through the chain', async () => {
    const eoa = chain.accounts[8]!;
    const browser = await citizen();
    const response = await linkWith(browser, `eip155:31337:${eoa.address}`, async (message) => {
      const { r, s, v } = parseSignature(await eoa.signMessage({ message }));
      const high = SECP256K1_N - BigInt(s);
      return serializeSignature({ r, s: numberToHex(high, { size: 32 }), v: v === 27n ? 28n : 27n });
    });
    await expectProblem(response, 422, 'signature-not-canonical');
    await expectBinding(
      await linkWith(browser, `eip155:31337:${eoa.address}`, (message) => eoa.signMessage({ message })),
      'eip191',
    );
  });

  it('links an EOA (eip191) on a chain with an RPC endpoint', async () => {
    const eoa = chain.accounts[0]!;
    const response = await linkWith(await citizen(), `eip155:31337:${eoa.address}`, (message) =>
      eoa.signMessage({ message }),
    );
    await expectBinding(response, 'eip191');
  });

  it('links a deployed smart wallet through ERC-1271, and refuses a non-owner’s signature', async () => {
    const [owner, stranger] = chain.accounts.slice(1) as [LocalAccount, LocalAccount];
    const wallet = await chain.deploy('OwnedSmartWallet', [owner.address]);
    const browser = await citizen();
    const refused = await linkWith(browser, `eip155:31337:${wallet}`, (message) =>
      stranger.signMessage({ message }),
    );
    const problem = await expectProblem(refused, 422, 'signature-invalid');
    expect(problem.detail).toMatch(/contract wallet .* \(erc1271\)/);
    await expectBinding(
      await linkWith(browser, `eip155:31337:${wallet}`, (message) => owner.signMessage({ message })),
      'erc1271',
    );
  });

  it('links a counterfactual wallet through ERC-6492, and refuses a wrapped signature of the wrong owner', async () => {
    const [owner, stranger] = chain.accounts.slice(3) as [LocalAccount, LocalAccount];
    const { abi } = artifact('SmartWalletFactory');
    const salt = keccak256(stringToBytes(`counterfactual-${owner.address}`));
    const predicted = (await chain.publicClient.readContract({
      address: factory,
      abi,
      functionName: 'predict',
      args: [owner.address, salt],
    })) as Address;
    const deployData = encodeFunctionData({ abi, functionName: 'deploy', args: [owner.address, salt] });
    const wrapped = (signer: LocalAccount) => async (message: string) =>
      serializeErc6492Signature({
        address: factory,
        data: deployData,
        signature: await signer.signMessage({ message }),
      });
    const browser = await citizen();
    await expectProblem(
      await linkWith(browser, `eip155:31337:${predicted}`, wrapped(stranger)),
      422,
      'signature-invalid',
    );
    await expectBinding(await linkWith(browser, `eip155:31337:${predicted}`, wrapped(owner)), 'erc6492');
    expect(await chain.publicClient.getCode({ address: predicted })).toBeUndefined();
  });

  it('answers 502 when the chain’s RPC endpoint cannot be reached', async () => {
    const eoa = chain.accounts[5]!;
    const response = await linkWith(await citizen(), `eip155:1337:${eoa.address}`, (message) =>
      eoa.signMessage({ message }),
    );
    await expectProblem(response, 502, 'chain-unavailable');
  });
});

describe('on-chain proofs', () => {
  it('waits for the configured confirmations, then links (onchain); a replay is refused', async () => {
    const eoa = chain.accounts[6]!;
    const browser = await citizen();
    const account = `eip155:31337:${eoa.address}`;
    const challenge = await askChallenge(browser, account);
    expect(challenge.onchain).toEqual({
      registry,
      chainId: 31337,
      confirmations: CONFIRMATIONS,
      function: 'proveControl(bytes32)',
    });
    expect(challenge.challengeHash).toBe(keccak256(stringToBytes(challenge.message)));
    const txHash = await proveControl(eoa, challenge.challengeHash);

    const early = await expectProblem(
      await submitProof(browser, account, txHash),
      409,
      'insufficient-confirmations',
    );
    expect(early).toMatchObject({ confirmations: 1, required: CONFIRMATIONS });
    await chain.mine(CONFIRMATIONS - 1);
    await expectBinding(await submitProof(browser, account, txHash), 'onchain');
    await expectProblem(await submitProof(browser, account, txHash), 422, 'onchain-proof-invalid');
  });

  it('accepts a proof sent by a contract account (the wallet calls the registry itself)', async () => {
    const owner = chain.accounts[7]!;
    const wallet = await chain.deploy('OwnedSmartWallet', [owner.address]);
    const browser = await citizen();
    const account = `eip155:31337:${wallet}`;
    const challenge = await askChallenge(browser, account);
    const txHash = await chain.walletClient(owner).writeContract({
      ...walletProveControlCall(wallet, registry, challenge.challengeHash),
      account: owner,
      chain: null,
    });
    await chain.mine(CONFIRMATIONS);
    await expectBinding(await submitProof(browser, account, txHash), 'onchain');
  });

  it('refuses the wrong contract, the wrong sender, the wrong challenge and an unknown transaction', async () => {
    const [claimed, sender] = chain.accounts.slice(4) as [LocalAccount, LocalAccount];
    const browser = await citizen();
    const account = `eip155:31337:${claimed.address}`;
    const challenge = await askChallenge(browser, account);

    const cases: [string, Hex, RegExp][] = [
      [
        'wrong contract',
        await proveControl(claimed, challenge.challengeHash, otherRegistry),
        /no ControlProven event from the registry/,
      ],
      ['wrong sender', await proveControl(sender, challenge.challengeHash), /proves control of .*, not of/],
      [
        'wrong challenge',
        await proveControl(claimed, keccak256(stringToBytes('another message'))),
        /not an outstanding challenge/,
      ],
      ['unknown transaction', `0x${'ab'.repeat(32)}`, /is not mined/],
    ];
    await chain.mine(CONFIRMATIONS);
    for (const [what, txHash, detail] of cases) {
      const problem = await expectProblem(
        await submitProof(browser, account, txHash),
        422,
        'onchain-proof-invalid',
      );
      expect(problem.detail, what).toMatch(detail);
    }
    // None of these used the challenge up: the right transaction still links.
    const right = await proveControl(claimed, challenge.challengeHash);
    await chain.mine(CONFIRMATIONS);
    await expectBinding(await submitProof(browser, account, right), 'onchain');
  });

  it('keeps a challenge to its session: another citizen cannot complete it', async () => {
    const eoa = chain.accounts[2]!;
    const owner = await citizen();
    const other = await citizen();
    const account = `eip155:31337:${eoa.address}`;
    const challenge = await askChallenge(owner, account);
    const txHash = await proveControl(eoa, challenge.challengeHash);
    await chain.mine(CONFIRMATIONS);
    await expectProblem(await submitProof(other, account, txHash), 422, 'onchain-proof-invalid');
  });

  it('refuses a proof submitted more than five minutes after the last passkey assertion', async () => {
    const eoa = chain.accounts[9]!;
    const browser = await citizen();
    const account = `eip155:31337:${eoa.address}`;
    const challenge = await askChallenge(browser, account);
    const txHash = await proveControl(eoa, challenge.challengeHash);
    await chain.mine(CONFIRMATIONS);
    server.clock.advance(5 * 60 + 20);
    try {
      await expectProblem(await submitProof(browser, account, txHash), 403, 'step-up-required');
    } finally {
      server.clock.advance(-(5 * 60 + 20));
    }
    // Refused before the challenge was touched: within the step-up window the proof links.
    await expectBinding(await submitProof(browser, account, txHash), 'onchain');
  });

  it('refuses a proof whose challenge has expired', async () => {
    const eoa = chain.accounts[3]!;
    const [signedIn] = await signedInCitizens(server, 1);
    const { browser, identityId } = signedIn!;
    const account = `eip155:31337:${eoa.address}`;
    const challenge = await askChallenge(browser, account);
    const txHash = await proveControl(eoa, challenge.challengeHash);
    await chain.mine(CONFIRMATIONS);
    server.clock.advance(10 * 60 + 1);
    try {
      // The step-up is checked first; give the session a passkey assertion of "now".
      await server.assembled.db
        .updateTable('sessions')
        .set({ passkey_verified_at: server.clock.now().toISOString() })
        .where('identity_id', '=', identityId)
        .execute();
      await expectProblem(await submitProof(browser, account, txHash), 400, 'challenge-expired');
    } finally {
      server.clock.advance(-(10 * 60 + 1));
    }
  });
});
