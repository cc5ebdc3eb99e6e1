// The contracts and the in-process chain the wallet suites rely on: ERC-1271 and ERC-6492
// verification through viem against real contract code, the registry's event, and a
// committed build that matches the sources.

import { readFileSync } from 'node:fs';
import {
  type AbiItem,
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  getAddress,
  type Hex,
  hexToBigInt,
  keccak256,
  type LocalAccount,
  numberToHex,
  parseAbi,
  parseEther,
  parseEventLogs,
  serializeErc6492Signature,
  sliceHex,
  stringToBytes,
  toEventSignature,
  toFunctionSignature,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage, verifySiweMessage } from 'viem/siwe';
import { formatAbiItem } from 'viem/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileContracts, readBuildFiles, TYPED_MODULE } from '../../scripts/compile-contracts.js';
import { walletAttestationRegistryAbi } from '../../src/chains/contracts.generated.js';
import { easAbi } from '../../src/chains/easAbi.js';
import { controlProofRegistryAbi } from '../../src/chains/registryAbi.js';
import { artifact, startTestChain, type TestChain, walletProveControlCall } from '../helpers/chain.js';
import { easArtifact } from './eas.js';

// Typed views of the fixtures' ABIs (the build's ABIs are checked against them below).
const walletAbi = parseAbi([
  'constructor(address owner_)',
  'function owner() view returns (address)',
  'function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)',
  'function execute(address target, uint256 value, bytes data) returns (bytes)',
  'error NotOwner()',
]);
const factoryAbi = parseAbi([
  'function deploy(address owner, bytes32 salt) returns (address wallet)',
  'function predict(address owner, bytes32 salt) view returns (address)',
]);

const MAGIC_VALUE = '0x1626ba7e';
const INVALID = '0xffffffff';
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

let chain: TestChain;
let factory: Address;
let registry: Address;

beforeAll(async () => {
  chain = await startTestChain();
  factory = await chain.deploy('SmartWalletFactory');
  registry = await chain.deploy('ControlProofRegistry');
});
afterAll(() => chain.close());

const salt = (label: string) => keccak256(stringToBytes(label));

async function predictWallet(owner: LocalAccount, walletSalt: Hex): Promise<Address> {
  return chain.publicClient.readContract({
    address: factory,
    abi: factoryAbi,
    functionName: 'predict',
    args: [owner.address, walletSalt],
  });
}

/** An ERC-6492 signature: "deploy me through the factory, then ask me (ERC-1271)". */
async function counterfactualSignature(
  owner: LocalAccount,
  walletSalt: Hex,
  signer: LocalAccount,
  message: string,
): Promise<Hex> {
  return serializeErc6492Signature({
    address: factory,
    data: encodeFunctionData({ abi: factoryAbi, functionName: 'deploy', args: [owner.address, walletSalt] }),
    signature: await signer.signMessage({ message }),
  });
}

describe('the in-process chain', () => {
  it('is chain 31337 with ten funded accounts whose keys are known, and mines on demand', async () => {
    expect(await chain.publicClient.getChainId()).toBe(31337);
    expect(chain.chainId).toBe(31337);
    expect(chain.accounts).toHaveLength(10);
    expect(chain.accounts[0].address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    chain.accounts.forEach((account, i) => {
      expect(privateKeyToAccount(chain.privateKeys[i]!).address).toBe(account.address);
    });
    expect(await chain.publicClient.getBalance({ address: chain.accounts[9].address })).toBe(
      parseEther('10000'),
    );
    const before = await chain.publicClient.getBlockNumber();
    await chain.mine(3);
    expect(await chain.publicClient.getBlockNumber()).toBe(before + 3n);
  });

  it('stops answering once closed', async () => {
    const other = await startTestChain();
    expect(await other.publicClient.getBlockNumber()).toBe(0n);
    await other.close();
    await expect(other.publicClient.getBlockNumber()).rejects.toThrow(/closed/);
  });
});

describe('ERC-1271: a deployed smart wallet', () => {
  it('is accepted by viem verifyMessage when its owner signed, and refused otherwise', async () => {
    const [owner, other] = chain.accounts;
    const wallet = await chain.deploy('OwnedSmartWallet', [owner.address]);
    expect(await chain.publicClient.getCode({ address: wallet })).toMatch(/^0x[0-9a-f]{2,}$/);
    const message = 'hello from a smart wallet';
    const verify = async (signer: LocalAccount) =>
      chain.publicClient.verifyMessage({
        address: wallet,
        message,
        signature: await signer.signMessage({ message }),
      });
    expect(await verify(owner)).toBe(true);
    expect(await verify(other)).toBe(false);
  });

  it('answers isValidSignature without reverting on malformed signatures', async () => {
    const [owner] = chain.accounts;
    const wallet = await chain.deploy('OwnedSmartWallet', [owner.address]);
    const hash = keccak256(stringToBytes('payload'));
    const signature = await owner.sign({ hash });
    const isValid = (sig: Hex) =>
      chain.publicClient.readContract({
        address: wallet,
        abi: walletAbi,
        functionName: 'isValidSignature',
        args: [hash, sig],
      });
    const r = sliceHex(signature, 0, 32);
    const s = hexToBigInt(sliceHex(signature, 32, 64));
    const v = Number(hexToBigInt(sliceHex(signature, 64)));
    const withRsv = (sValue: bigint, vValue: number) =>
      `${r}${numberToHex(sValue, { size: 32 }).slice(2)}${numberToHex(vValue, { size: 1 }).slice(2)}` as Hex;

    expect(await isValid(signature)).toBe(MAGIC_VALUE);
    expect(await isValid(withRsv(s, v))).toBe(MAGIC_VALUE);
    // The malleable twin (n - s, other parity) recovers the same signer: refused (EIP-2).
    expect(await isValid(withRsv(SECP256K1_N - s, v === 27 ? 28 : 27))).toBe(INVALID);
    expect(await isValid(withRsv(s, v - 27))).toBe(INVALID); // v must be 27 or 28
    expect(await isValid(withRsv(s, 29))).toBe(INVALID);
    expect(await isValid(sliceHex(signature, 0, 64))).toBe(INVALID); // 64 bytes (EIP-2098 compact)
    expect(await isValid('0x')).toBe(INVALID);
    expect(await isValid(`${signature}00`)).toBe(INVALID);
  });
});

describe('ERC-6492: a smart wallet that is not deployed yet', () => {
  it('is accepted by viem verifyMessage while it has no code, and refused for the wrong owner', async () => {
    const [, , owner, other] = chain.accounts;
    const walletSalt = salt('counterfactual-1');
    const predicted = await predictWallet(owner, walletSalt);
    expect(await chain.publicClient.getCode({ address: predicted })).toBeUndefined();
    const message = 'counterfactual hello';

    const verify = async (signer: LocalAccount) =>
      chain.publicClient.verifyMessage({
        address: predicted,
        message,
        signature: await counterfactualSignature(owner, walletSalt, signer, message),
      });
    expect(await verify(owner)).toBe(true);
    expect(await verify(other)).toBe(false);
    // A wrapped signature naming another owner's wallet deploys a different address: refused.
    const someoneElses = await counterfactualSignature(other, walletSalt, other, message);
    expect(
      await chain.publicClient.verifyMessage({ address: predicted, message, signature: someoneElses }),
    ).toBe(false);
    // Verification simulates the deployment (eth_call); it does not perform it.
    expect(await chain.publicClient.getCode({ address: predicted })).toBeUndefined();
  });

  it('deploys where predicted, and the wrapped signature stays valid once deployed', async () => {
    const [, , owner] = chain.accounts;
    const walletSalt = salt('counterfactual-2');
    const predicted = await predictWallet(owner, walletSalt);
    const message = 'still me after deployment';
    const wrapped = await counterfactualSignature(owner, walletSalt, owner, message);

    const hash = await chain.walletClient(owner).writeContract({
      address: factory,
      abi: factoryAbi,
      functionName: 'deploy',
      args: [owner.address, walletSalt],
    });
    expect((await chain.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
    expect(await chain.publicClient.getCode({ address: predicted })).toBeDefined();
    expect(
      await chain.publicClient.readContract({ address: predicted, abi: walletAbi, functionName: 'owner' }),
    ).toBe(owner.address);

    expect(await chain.publicClient.verifyMessage({ address: predicted, message, signature: wrapped })).toBe(
      true,
    );
    expect(
      await chain.publicClient.verifyMessage({
        address: predicted,
        message,
        signature: await owner.signMessage({ message }),
      }),
    ).toBe(true);
  });
});

describe('EIP-4361 (SIWE) through viem verifySiweMessage', () => {
  const siwe = (address: Address, nonce: string) =>
    createSiweMessage({
      address,
      chainId: chain.chainId,
      domain: 'attest.example',
      nonce,
      uri: 'https://attest.example/login',
      version: '1',
      issuedAt: new Date(),
    });

  it('accepts a deployed ERC-1271 wallet owner signature and refuses a stranger', async () => {
    const [, owner, stranger] = chain.accounts;
    const wallet = await chain.deploy('OwnedSmartWallet', [owner.address]);
    const message = siwe(wallet, 'a1b2c3d4e5f60718');
    const check = async (signer: LocalAccount) =>
      verifySiweMessage(chain.publicClient, {
        message,
        signature: await signer.signMessage({ message }),
        address: wallet,
        domain: 'attest.example',
        nonce: 'a1b2c3d4e5f60718',
      });
    expect(await check(owner)).toBe(true);
    expect(await check(stranger)).toBe(false);
    // The same, as the public client's action.
    expect(
      await chain.publicClient.verifySiweMessage({
        message,
        signature: await owner.signMessage({ message }),
      }),
    ).toBe(true);
  });

  it('accepts an ERC-6492 signature of a counterfactual wallet', async () => {
    const [, , , , owner] = chain.accounts;
    const walletSalt = salt('siwe-counterfactual');
    const predicted = await predictWallet(owner, walletSalt);
    const message = siwe(predicted, '0f1e2d3c4b5a6978');
    const signature = await counterfactualSignature(owner, walletSalt, owner, message);
    expect(
      await verifySiweMessage(chain.publicClient, { message, signature, nonce: '0f1e2d3c4b5a6978' }),
    ).toBe(true);
  });
});

describe('ControlProofRegistry', () => {
  function provenEvents(logs: Parameters<typeof parseEventLogs>[0]['logs']) {
    return parseEventLogs({
      abi: controlProofRegistryAbi,
      eventName: 'ControlProven',
      logs,
      strict: true,
    }).map((log) => ({ registry: getAddress(log.address), ...log.args }));
  }

  it('records an EOA caller as the account', async () => {
    const [eoa] = chain.accounts;
    const challengeHash = keccak256(stringToBytes('challenge for an EOA'));
    const hash = await chain.walletClient(eoa).writeContract({
      address: registry,
      abi: controlProofRegistryAbi,
      functionName: 'proveControl',
      args: [challengeHash],
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    expect(provenEvents(receipt.logs)).toEqual([{ registry, account: eoa.address, challengeHash }]);
  });

  it('records a smart wallet (not its owner) as the account when the wallet calls it', async () => {
    const [, , , owner, stranger] = chain.accounts;
    const wallet = await chain.deploy('OwnedSmartWallet', [owner.address]);
    const challengeHash = keccak256(stringToBytes('challenge for a contract wallet'));
    const call = walletProveControlCall(wallet, registry, challengeHash);
    const hash = await chain.walletClient(owner).writeContract(call);
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    expect(provenEvents(receipt.logs)).toEqual([{ registry, account: wallet, challengeHash }]);

    // Only the owner may send from the wallet. viem decodes the custom error from the revert data...
    const refused = await chain.publicClient
      .simulateContract({ ...call, account: stranger })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BaseError);
    const reverted = (refused as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
    expect((reverted as ContractFunctionRevertedError | null)?.data?.errorName).toBe('NotOwner');
    // ...and, as on a real node, a reverting transaction sent anyway is mined as failed, with no event.
    const failed = await chain.walletClient(stranger).writeContract({ ...call, gas: 200_000n });
    const failedReceipt = await chain.publicClient.waitForTransactionReceipt({ hash: failed });
    expect(failedReceipt.status).toBe('reverted');
    expect(provenEvents(failedReceipt.logs)).toEqual([]);
  });
});

describe('the contract build (contracts/build)', () => {
  it('matches a fresh compile of contracts/, typed module included (run `npm run contracts:build` after editing)', () => {
    const { files, warnings, typedModule } = compileContracts();
    expect(warnings).toEqual([]);
    const committed = readBuildFiles();
    expect([...committed.keys()]).toEqual([...files.keys()]);
    for (const [name, content] of files) expect(committed.get(name), name).toBe(content);
    expect(
      readFileSync(TYPED_MODULE, 'utf8') === typedModule,
      'src/chains/contracts.generated.ts is stale',
    ).toBe(true);
  });

  const signatures = (abi: readonly AbiItem[]) =>
    abi
      .map((item) => {
        if (item.type === 'event') return toEventSignature(item);
        if (item.type === 'function') return toFunctionSignature(item);
        if (item.type === 'error') return `error ${formatAbiItem(item)}`;
        return item.type;
      })
      .sort();

  it('has the registry ABI the service reads, and the fixture ABIs these tests use', () => {
    expect(signatures(artifact('ControlProofRegistry').abi)).toEqual(signatures(controlProofRegistryAbi));
    expect(signatures(artifact('OwnedSmartWallet').abi)).toEqual(
      signatures([...walletAbi, { type: 'receive', stateMutability: 'payable' }]),
    );
    expect(signatures(artifact('SmartWalletFactory').abi)).toEqual(signatures(factoryAbi));
  });

  it('has the attestation registry functions integrators and the publisher call', () => {
    const registry = signatures(artifact('WalletAttestationRegistry').abi);
    expect(registry).toEqual(signatures(walletAttestationRegistryAbi));
    for (const signature of [
      'isVerified(address)',
      'attestationOf(address)',
      'suspend(address)',
      'reinstate(address)',
      'revoke(address)',
      'changeStatusBySignature(bytes32,uint8,uint64,bytes,address)',
      'proveControl(bytes32)',
      'uidOfData(bytes32)',
      'attest((bytes32,bytes32,uint64,uint64,uint64,bytes32,address,address,bool,bytes))',
      'ControlProven(address,bytes32)',
      'StatusChanged(address,bytes32,uint8,address)',
      'Attested(address,bytes32,address,uint64)',
    ]) {
      expect(registry).toContain(signature);
    }
    // The service's view of EAS is part of the ABI the EAS package ships.
    const eas = signatures(easArtifact('EAS').abi);
    for (const signature of signatures(easAbi)) expect(eas, signature).toContain(signature);
  });
});
