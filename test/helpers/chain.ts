// An in-process EVM for the tests: hardhat 2's network (EDR) as an EIP-1193 provider,
// driven through viem's `custom` transport, so the service talks JSON-RPC to a real chain
// running real contract code (compiled from contracts/ by solc-js).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type Transport,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { hardhat } from 'viem/chains';

const BUILD_DIR = join(import.meta.dirname, '..', '..', 'contracts', 'build');

export interface Artifact {
  contractName: string;
  abi: Abi;
  bytecode: Hex;
}

export function artifact(name: string): Artifact {
  return JSON.parse(readFileSync(join(BUILD_DIR, `${name}.json`), 'utf8')) as Artifact;
}

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

type CreateProvider = (config: Record<string, unknown>, logger: { enabled: boolean }) => Promise<Eip1193>;

export interface TestChain {
  chainId: number;
  /** The JSON-RPC transport, to hand to the service as its chain's transport. */
  transport: Transport;
  publicClient: PublicClient;
  /** Funded accounts with known keys. */
  accounts: LocalAccount[];
  walletClient(account: LocalAccount): ReturnType<typeof createWalletClient>;
  deploy(name: string, args?: unknown[], from?: LocalAccount): Promise<Address>;
  mine(blocks: number): Promise<void>;
}

export async function startTestChain(): Promise<TestChain> {
  const require = createRequire(import.meta.url);
  const { createHardhatNetworkProvider } = require('hardhat/internal/hardhat-network/provider/provider') as {
    createHardhatNetworkProvider: CreateProvider;
  };
  const keys = Array.from({ length: 8 }, () => generatePrivateKey());
  const provider = await createHardhatNetworkProvider(
    {
      hardfork: 'cancun',
      chainId: hardhat.id,
      networkId: hardhat.id,
      blockGasLimit: 30_000_000,
      minGasPrice: 0n,
      automine: true,
      intervalMining: 0,
      mempoolOrder: 'priority',
      chains: new Map(),
      genesisAccounts: keys.map((privateKey) => ({ privateKey, balance: 10n ** 22n })),
      allowUnlimitedContractSize: false,
      throwOnTransactionFailures: true,
      throwOnCallFailures: true,
      allowBlocksWithSameTimestamp: false,
      enableTransientStorage: false,
      enableRip7212: false,
    },
    { enabled: false },
  );
  const transport = custom(provider);
  const publicClient = createPublicClient({ chain: hardhat, transport });
  const accounts = keys.map((key) => privateKeyToAccount(key));
  const walletClient = (account: LocalAccount) => createWalletClient({ account, chain: hardhat, transport });

  return {
    chainId: hardhat.id,
    transport,
    publicClient: publicClient as PublicClient,
    accounts,
    walletClient,
    async deploy(name, args = [], from = accounts[0]!) {
      const { abi, bytecode } = artifact(name);
      const hash = await walletClient(from).deployContract({
        abi,
        bytecode,
        args,
        account: from,
        chain: hardhat,
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (!receipt.contractAddress) throw new Error(`${name} was not deployed`);
      return getAddress(receipt.contractAddress);
    },
    async mine(blocks) {
      await provider.request({ method: 'hardhat_mine', params: [`0x${blocks.toString(16)}`] });
    },
  };
}
