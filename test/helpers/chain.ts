// An in-process EVM for tests: hardhat 2's network (the EDR engine) created directly, with no
// hardhat.config and no compiler download, and spoken to through viem's `custom` transport
// exactly as the service speaks to a JSON-RPC node. Contracts come precompiled from
// contracts/build (scripts/compile-contracts.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHardhatNetworkParams } from 'hardhat/internal/core/config/default-config.js';
import { createHardhatNetworkProvider } from 'hardhat/internal/hardhat-network/provider/provider.js';
import {
  type Abi,
  type Address,
  type Chain,
  type CustomTransport,
  createPublicClient,
  createWalletClient,
  custom,
  type EIP1193RequestFn,
  encodeFunctionData,
  getAddress,
  type Hex,
  isHex,
  type LocalAccount,
  type PublicClient,
  parseEther,
  toHex,
  type WalletClient,
} from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { hardhat } from 'viem/chains';
import { controlProofRegistryAbi } from '../../src/chains/registryAbi.js';

const BUILD_DIR = fileURLToPath(new URL('../../contracts/build/', import.meta.url));

/** The first ten accounts of hardhat's default mnemonic ("test test … junk"): well-known keys. */
const PRIVATE_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', // 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', // 0x70997970C51812dc3A010C7d01b50e0d17dc79C8
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a', // 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6', // 0x90F79bf6EB2c4f870365E785982E1f101E93b906
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a', // 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba', // 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e', // 0x976EA74026E726554dB657fA54763abd0C3a0aa9
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356', // 0x14dC79964da2C08b23698B3D3cc7Ca32193d9955
  '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97', // 0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f
  '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6', // 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720
] as const;

type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N ? R : Tuple<T, N, [T, ...R]>;

/** A tuple, so `const [alice, bob] = chain.accounts` needs no undefined checks. */
export type TestAccounts = Readonly<Tuple<PrivateKeyAccount, 10>>;

export interface ContractArtifact {
  contractName: string;
  sourceName: string;
  abi: Abi;
  bytecode: Hex;
}

export interface TestChainOptions {
  /** EVM hardfork of the chain; default: hardhat 2's own default (osaka in 2.29). */
  hardfork?: string;
}

export interface TestChain {
  /** viem's `hardhat` chain (id 31337). */
  chain: Chain;
  chainId: number;
  /** viem `custom` transport over the in-process node: hand it to service code as its transport. */
  transport: CustomTransport;
  publicClient: PublicClient<CustomTransport, Chain>;
  /** Ten funded accounts (10 000 ETH each), signing locally. */
  accounts: TestAccounts;
  /** Their private keys, in the same order (hardhat's well-known default accounts). */
  privateKeys: Readonly<Tuple<Hex, 10>>;
  /** A wallet client sending from `account` (default accounts[0]); transactions are signed locally. */
  walletClient(account?: LocalAccount): WalletClient<CustomTransport, Chain, LocalAccount>;
  /**
   * Deploys contracts/build/<contractName>.json with constructor `args`, from `from`
   * (default accounts[0]); resolves to its checksummed address once mined.
   */
  deploy(contractName: string, args?: readonly unknown[], from?: LocalAccount): Promise<Address>;
  /** Mines `blocks` empty blocks (default 1), e.g. to add confirmations. */
  mine(blocks?: number): Promise<void>;
  /** Stops answering requests. (The native node has no shutdown call; it is garbage-collected.) */
  close(): Promise<void>;
}

const artifacts = new Map<string, ContractArtifact>();

/** Reads contracts/build/<contractName>.json (cached). */
export function artifact(contractName: string): ContractArtifact {
  let found = artifacts.get(contractName);
  if (!found) {
    found = JSON.parse(readFileSync(join(BUILD_DIR, `${contractName}.json`), 'utf8')) as ContractArtifact;
    artifacts.set(contractName, found);
  }
  return found;
}

/** The call that makes an OwnedSmartWallet prove control of itself: execute(registry.proveControl(hash)). */
export function walletProveControlCall(wallet: Address, registry: Address, challengeHash: Hex) {
  return {
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
  } as const;
}

/**
 * Hardhat reports a revert as a `SolidityError` that has the revert data but has lost its
 * JSON-RPC code, so viem would call it an unknown RPC error and not decode the revert
 * reason. Reshape it as a node does (geth: code 3, data = revert data), keeping the
 * original as the cause.
 */
function asNodeError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { code, data, message } = error as { code?: unknown; data?: unknown; message?: unknown };
  const revertData =
    typeof data === 'object' && data !== null && 'data' in data ? (data as { data: unknown }).data : data;
  if ((code !== undefined && code !== -32000) || typeof revertData !== 'string' || !isHex(revertData)) {
    return error;
  }
  const reverted = new Error(typeof message === 'string' ? message : 'execution reverted', { cause: error });
  return Object.assign(reverted, { code: 3, data: revertData });
}

/**
 * Starts a fresh chain: chainId 31337, automine (each transaction is mined into its own
 * block as it is sent), ten funded accounts. Takes a few tens of milliseconds.
 */
export async function startTestChain(options: TestChainOptions = {}): Promise<TestChain> {
  const chain = hardhat;
  const balance = parseEther('10000');
  const provider = await createHardhatNetworkProvider(
    {
      hardfork: options.hardfork ?? defaultHardhatNetworkParams.hardfork,
      chainId: chain.id,
      networkId: chain.id,
      blockGasLimit: defaultHardhatNetworkParams.blockGasLimit,
      minGasPrice: 0n,
      automine: true,
      intervalMining: 0,
      mempoolOrder: 'priority',
      // Hardfork histories of known chains only matter when forking one; this chain is local.
      chains: new Map(),
      genesisAccounts: PRIVATE_KEYS.map((privateKey) => ({ privateKey, balance })),
      allowUnlimitedContractSize: false,
      // Like a real node: a reverting eth_call / eth_estimateGas is a JSON-RPC error, while a
      // reverting transaction is mined (receipt status 0) rather than refused.
      throwOnTransactionFailures: false,
      throwOnCallFailures: true,
      allowBlocksWithSameTimestamp: false,
      enableTransientStorage: false,
      enableRip7212: false,
    },
    { enabled: false },
  );

  let closed = false;
  const request = (async ({ method, params }: { method: string; params?: unknown }) => {
    if (closed) throw new Error(`The test chain is closed (${method})`);
    try {
      return await provider.request({ method, params: params as unknown[] | undefined });
    } catch (error) {
      throw asNodeError(error);
    }
  }) as EIP1193RequestFn;
  // No retries: a failing request fails at once (viem retries internal errors 3 times, with backoff).
  const transport = custom({ request }, { retryCount: 0 });
  // Short polling and no caching: waitForTransactionReceipt and getBlockNumber see new blocks at once.
  const clientOptions = { chain, transport, pollingInterval: 10, cacheTime: 0 } as const;
  const publicClient = createPublicClient(clientOptions);
  const accounts = PRIVATE_KEYS.map((privateKey) =>
    privateKeyToAccount(privateKey),
  ) as unknown as TestAccounts;
  const walletClient = (account: LocalAccount = accounts[0]) =>
    createWalletClient({ ...clientOptions, account });

  return {
    chain,
    chainId: chain.id,
    transport,
    publicClient,
    accounts,
    privateKeys: PRIVATE_KEYS,
    walletClient,
    async deploy(contractName, args = [], from = accounts[0]) {
      const { abi, bytecode } = artifact(contractName);
      const hash = await walletClient(from).deployContract({ abi, bytecode, args });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success' || !receipt.contractAddress) {
        throw new Error(`Deploying ${contractName} failed (transaction ${hash})`);
      }
      return getAddress(receipt.contractAddress);
    },
    async mine(blocks = 1) {
      await request({ method: 'hardhat_mine', params: [toHex(blocks)] });
    },
    async close() {
      closed = true;
    },
  };
}
