// The contracts and the in-process chain the wallet suites rely on: ERC-1271 and ERC-6492
// verification through viem against real contract code, the registry's event, and a
// committed build that matches the sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AbiItem,
  decodeEventLog,
  encodeFunctionData,
  getAddress,
  keccak256,
  serializeErc6492Signature,
  stringToBytes,
  toEventSignature,
  toFunctionSignature,
} from 'viem';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileContracts } from '../../scripts/compile-contracts.js';
import { controlProofRegistryAbi } from '../../src/chains/registryAbi.js';
import { artifact, startTestChain, type TestChain } from '../helpers/chain.js';

let chain: TestChain;
beforeAll(async () => {
  chain = await startTestChain();
});

describe('the in-process chain', () => {
  it('verifies ERC-1271 signatures of a deployed smart wallet through viem', async () => {
    const [owner, other] = chain.accounts as [(typeof chain.accounts)[0], (typeof chain.accounts)[0]];
    const wallet = await chain.deploy('OwnedSmartWallet', [owner.address]);
    const message = 'hello from a smart wallet';
    expect(
      await chain.publicClient.verifyMessage({
        address: wallet,
        message,
        signature: await owner.signMessage({ message }),
      }),
    ).toBe(true);
    expect(
      await chain.publicClient.verifyMessage({
        address: wallet,
        message,
        signature: await other.signMessage({ message }),
      }),
    ).toBe(false);
  });

  it('verifies ERC-6492 signatures of a wallet that is not deployed yet', async () => {
    const [owner, other] = chain.accounts.slice(2) as [
      (typeof chain.accounts)[0],
      (typeof chain.accounts)[0],
    ];
    const factory = await chain.deploy('SmartWalletFactory');
    const { abi } = artifact('SmartWalletFactory');
    const salt = keccak256(stringToBytes('wallet-1'));
    const predicted = (await chain.publicClient.readContract({
      address: factory,
      abi,
      functionName: 'predict',
      args: [owner.address, salt],
    })) as `0x${string}`;
    expect(await chain.publicClient.getCode({ address: predicted })).toBeUndefined();
    const message = 'counterfactual hello';
    const wrap = async (signer: typeof owner) =>
      serializeErc6492Signature({
        address: factory,
        data: encodeFunctionData({ abi, functionName: 'deploy', args: [owner.address, salt] }),
        signature: await signer.signMessage({ message }),
      });
    expect(
      await chain.publicClient.verifyMessage({ address: predicted, message, signature: await wrap(owner) }),
    ).toBe(true);
    expect(
      await chain.publicClient.verifyMessage({ address: predicted, message, signature: await wrap(other) }),
    ).toBe(false);
    // Verification simulates the deployment; it does not perform it.
    expect(await chain.publicClient.getCode({ address: predicted })).toBeUndefined();
  });

  it('emits ControlProven with the caller as the account, for an EOA and for a contract wallet', async () => {
    const [owner] = chain.accounts.slice(4) as [(typeof chain.accounts)[0]];
    const registry = await chain.deploy('ControlProofRegistry');
    const wallet = await chain.deploy('OwnedSmartWallet', [owner.address]);
    const challengeHash = keccak256(stringToBytes('challenge'));
    const client = chain.walletClient(owner);
    const direct = await client.writeContract({
      address: registry,
      abi: controlProofRegistryAbi,
      functionName: 'proveControl',
      args: [challengeHash],
      account: owner,
      chain: null,
    });
    const viaWallet = await client.writeContract({
      address: wallet,
      abi: artifact('OwnedSmartWallet').abi,
      functionName: 'execute',
      args: [
        registry,
        0n,
        encodeFunctionData({
          abi: controlProofRegistryAbi,
          functionName: 'proveControl',
          args: [challengeHash],
        }),
      ],
      account: owner,
      chain: null,
    });
    for (const [hash, account] of [
      [direct, owner.address],
      [viaWallet, wallet],
    ] as const) {
      const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
      const [log] = receipt.logs;
      expect(getAddress(log!.address)).toBe(registry);
      const event = decodeEventLog({ abi: controlProofRegistryAbi, data: log!.data, topics: log!.topics });
      expect(event).toEqual({ eventName: 'ControlProven', args: { account, challengeHash } });
    }
  });
});

describe('the contract build', () => {
  it('matches a fresh compile of contracts/ (run `npm run contracts:build` after editing)', () => {
    for (const [name, content] of compileContracts()) {
      expect(
        readFileSync(join(import.meta.dirname, '..', '..', 'contracts', 'build', name), 'utf8'),
        name,
      ).toBe(content);
    }
  });

  it('has the registry ABI the service reads', () => {
    const signatures = (abi: readonly AbiItem[]) =>
      abi
        .map((item) =>
          item.type === 'event'
            ? toEventSignature(item)
            : item.type === 'function'
              ? toFunctionSignature(item)
              : item.type,
        )
        .sort();
    expect(signatures(artifact('ControlProofRegistry').abi)).toEqual(signatures(controlProofRegistryAbi));
  });
});
