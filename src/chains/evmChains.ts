// Adapter between the wallet-linking use cases and EVM chains, through viem public
// clients. Which chains exist, and their RPC endpoints, registry and confirmation depth,
// come from configuration; tests swap the transport for an in-process EVM.
import {
  type Account,
  type Address,
  BaseError,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  type Hex,
  HttpRequestError,
  http,
  isErc6492Signature,
  isHex,
  type PublicClient,
  parseEventLogs,
  TimeoutError,
  TransactionReceiptNotFoundError,
  type Transport,
  verifyMessage,
  type WalletClient,
  WebSocketRequestError,
  webSocket,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { verifySiweMessage } from 'viem/siwe';
import type { ChainConfig } from '../config/config.js';
import {
  ChainUnavailableError,
  OnchainProofInvalidError,
  ProofMethodUnavailableError,
  SignatureInvalidError,
} from '../domain/errors.js';
import { attestationSchemaUid } from './easDelegation.js';
import { controlProofRegistryAbi } from './registryAbi.js';

export type EvmProofMethod = 'eip191' | 'erc1271' | 'erc6492';

export interface EvmChain {
  /** CAIP-2, e.g. eip155:1 */
  id: string;
  chainId: number;
  client?: PublicClient;
  registry?: Address;
  confirmations: number;
  /** Attestation publishing on this chain, when configured. */
  attestations?: ChainAttestations;
}

export interface ChainAttestations {
  eas: Address;
  registry: Address;
  /** The EAS schema UID of the attestation schema with `registry` as resolver. */
  schemaUid: Hex;
  publicClient: PublicClient;
  /** Sends from the publisher account (a local key, or a remote signer's account). */
  walletClient: WalletClient<Transport, Chain, Account>;
}

/** Builds the transport for a chain; the default speaks JSON-RPC over HTTP or WebSocket. */
export type TransportFactory = (chain: ChainConfig & { rpcUrl: string }) => Transport;

const defaultTransport: TransportFactory = (chain) =>
  /^wss?:/.test(chain.rpcUrl)
    ? webSocket(chain.rpcUrl, { timeout: 10_000 })
    : http(chain.rpcUrl, { timeout: 10_000, retryCount: 1 });

/** The eip155 chains of the configuration; ./chainDirectory.ts adds the other namespaces. */
export function createEvmChains(
  chains: readonly ChainConfig[],
  transportFor: TransportFactory = defaultTransport,
): ReadonlyMap<string, EvmChain> {
  const directory = new Map<string, EvmChain>();
  for (const chain of chains) {
    const { rpcUrl } = chain;
    const client = rpcUrl ? createPublicClient({ transport: transportFor({ ...chain, rpcUrl }) }) : undefined;
    directory.set(chain.id, {
      id: chain.id,
      chainId: Number(chain.reference),
      ...(client ? { client } : {}),
      ...(chain.registry ? { registry: getAddress(chain.registry) } : {}),
      confirmations: chain.confirmations,
      ...(client && rpcUrl && chain.attestations
        ? { attestations: createChainAttestations(chain, chain.attestations, rpcUrl, transportFor) }
        : {}),
    });
  }
  return directory;
}

/** The clients that publish attestations on a chain, from its configuration. */
export function createChainAttestations(
  chain: ChainConfig,
  config: NonNullable<ChainConfig['attestations']>,
  rpcUrl: string,
  transportFor: TransportFactory,
): ChainAttestations {
  const viemChain = defineChain({
    id: Number(chain.reference),
    name: chain.id,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const registry = getAddress(config.registry);
  const publisher = config.publisher;
  // A remote signer (Web3Signer, Clef…) takes eth_sendTransaction for its account and
  // forwards the signed transaction to the chain; a local key signs here.
  const walletClient =
    'privateKey' in publisher
      ? createWalletClient({
          chain: viemChain,
          account: privateKeyToAccount(publisher.privateKey as Hex),
          transport: transportFor({ ...chain, rpcUrl }),
        })
      : createWalletClient({
          chain: viemChain,
          account: getAddress(publisher.address),
          transport: transportFor({ ...chain, rpcUrl: publisher.signerUrl }),
        });
  return {
    eas: getAddress(config.eas),
    registry,
    schemaUid: attestationSchemaUid(registry),
    publicClient: createPublicClient({ chain: viemChain, transport: transportFor({ ...chain, rpcUrl }) }),
    walletClient: walletClient as WalletClient<Transport, Chain, Account>,
  };
}

/** Network trouble talking to the RPC endpoint, as opposed to an answer we dislike. */
function isTransportFailure(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  return Boolean(
    error.walk(
      (e) =>
        // Not RpcRequestError: over HTTP every JSON-RPC error answer (a revert, say) is
        // one, and those are answers about the proof, not an unreachable chain.
        e instanceof HttpRequestError || e instanceof WebSocketRequestError || e instanceof TimeoutError,
    ),
  );
}

async function callChain<T>(chain: EvmChain, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTransportFailure(error)) {
      throw new ChainUnavailableError(`Could not ${what} on ${chain.id}; try again later`);
    }
    throw error;
  }
}

/**
 * Checks an EIP-4361 signature and tells which kind of account made it: an EOA (EIP-191
 * recovery), a deployed contract wallet (ERC-1271) or a counterfactual one (ERC-6492).
 * Contract wallets need the chain's RPC; EOAs are checked offline when there is none.
 */
export async function verifyEip4361Signature(
  chain: EvmChain,
  p: { message: string; signature: string; address: string; domain: string; nonce: string },
): Promise<EvmProofMethod> {
  if (!isHex(p.signature, { strict: true })) {
    throw new SignatureInvalidError('The signature must be 0x-prefixed hex');
  }
  const signature = p.signature as Hex;
  const address = getAddress(p.address);
  const wrapped = isErc6492Signature(signature);
  const { client } = chain;

  if (!client) {
    if (wrapped) {
      throw new ProofMethodUnavailableError(
        `ERC-6492 signatures of not-yet-deployed wallets need an RPC endpoint, and ${chain.id} has none configured`,
      );
    }
    const valid = await verifyMessage({ address, message: p.message, signature }).catch(() => false);
    if (!valid) {
      throw new SignatureInvalidError(
        `The signature was not made by ${address}. (Contract wallets cannot be checked: ${chain.id} has no RPC endpoint configured.)`,
      );
    }
    return 'eip191';
  }

  const method = await callChain(chain, 'read the account', async (): Promise<EvmProofMethod> => {
    if (wrapped) return 'erc6492';
    const code = await client.getCode({ address });
    return code && code !== '0x' ? 'erc1271' : 'eip191';
  });
  const valid = await callChain(chain, 'check the signature', () =>
    verifySiweMessage(client, {
      message: p.message,
      signature,
      address,
      domain: p.domain,
      nonce: p.nonce,
    }).catch((error: unknown) => {
      if (isTransportFailure(error)) throw error;
      return false;
    }),
  );
  if (!valid) {
    const by =
      method === 'eip191' ? `made by ${address}` : `accepted by the contract wallet ${address} (${method})`;
    throw new SignatureInvalidError(`The signature was not ${by}`);
  }
  return method;
}

export interface ControlProofEvent {
  account: Address;
  challengeHash: Hex;
}

export interface ControlProofTransaction {
  events: ControlProofEvent[];
  blockNumber: bigint;
  confirmations: number;
}

/** Reads a mined transaction's ControlProven events emitted by the chain's registry. */
export async function readControlProof(chain: EvmChain, txHash: Hex): Promise<ControlProofTransaction> {
  const { client, registry } = chain;
  if (!client || !registry) {
    throw new ProofMethodUnavailableError(
      `On-chain proofs are not available on ${chain.id}: no registry contract${client ? '' : ' or RPC endpoint'} is configured`,
    );
  }
  const receipt = await callChain(chain, 'read the transaction receipt', () =>
    client.getTransactionReceipt({ hash: txHash }).catch((error: unknown) => {
      if (error instanceof TransactionReceiptNotFoundError) return undefined;
      throw error;
    }),
  );
  if (!receipt) {
    throw new OnchainProofInvalidError(
      `Transaction ${txHash} is not mined on ${chain.id} (unknown or still pending)`,
    );
  }
  if (receipt.status !== 'success') {
    throw new OnchainProofInvalidError(`Transaction ${txHash} reverted`);
  }
  const events = parseEventLogs({
    abi: controlProofRegistryAbi,
    eventName: 'ControlProven',
    logs: receipt.logs,
    strict: true,
  })
    .filter((log) => getAddress(log.address) === registry)
    .map((log) => ({ account: getAddress(log.args.account), challengeHash: log.args.challengeHash }));
  if (events.length === 0) {
    throw new OnchainProofInvalidError(
      `Transaction ${txHash} emitted no ControlProven event from the registry ${registry}`,
    );
  }
  const head = await callChain(chain, 'read the latest block', () => client.getBlockNumber({ cacheTime: 0 }));
  return {
    events,
    blockNumber: receipt.blockNumber,
    confirmations: Number(head - receipt.blockNumber + 1n),
  };
}
