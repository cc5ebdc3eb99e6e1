// The chains the service links accounts on, whatever their namespace. Each configured
// chain gets a signature verifier: the namespace adapter's offline one, or for eip155 the
// EVM adapter's, which asks the chain about contract wallets. Only eip155 chains carry an
// RPC client, a proof-of-control registry and attestation publishing.
import type { ChainConfig } from '../config/config.js';
import {
  namespaceAdapter,
  requireCanonicalEoaSignature,
  type SignedChallenge,
} from '../domain/accounts/index.js';
import {
  createEvmChains,
  type EvmChain,
  type TransportFactory,
  verifyEip4361Signature,
} from './evmChains.js';

interface ChainBase {
  /** CAIP-2, e.g. `eip155:1` or `tron:0x2b6653dc` */
  id: string;
  namespace: string;
  reference: string;
  /** Blocks an on-chain proof needs. */
  confirmations: number;
  /** Checks a signed challenge; returns the proof method or throws a problem. */
  verifySignature(p: SignedChallenge): Promise<string>;
}

export type EvmLinkableChain = EvmChain & ChainBase;

/** A chain whose proofs are checked offline: no RPC, registry or on-chain attestations. */
export interface OfflineChain extends ChainBase {
  chainId?: undefined;
  client?: undefined;
  registry?: undefined;
  attestations?: undefined;
}

export type LinkableChain = EvmLinkableChain | OfflineChain;

export type ChainDirectory = ReadonlyMap<string, LinkableChain>;

export function isEvmChain(chain: LinkableChain): chain is EvmLinkableChain {
  return chain.chainId !== undefined;
}

export function createChainDirectory(
  chains: readonly ChainConfig[],
  transportFor?: TransportFactory,
): ChainDirectory {
  const evm = createEvmChains(
    chains.filter((chain) => chain.namespace === 'eip155'),
    transportFor,
  );
  const directory = new Map<string, LinkableChain>();
  for (const config of chains) {
    const base = { id: config.id, namespace: config.namespace, reference: config.reference };
    const evmChain = evm.get(config.id);
    if (evmChain) {
      directory.set(config.id, {
        ...evmChain,
        ...base,
        async verifySignature(p) {
          const method = await verifyEip4361Signature(evmChain, { ...p, address: p.account.address });
          if (method === 'eip191') requireCanonicalEoaSignature(p.signature);
          return method;
        },
      });
      continue;
    }
    const verify = namespaceAdapter(config.namespace).verifySignature;
    if (!verify) throw new Error(`Namespace ${config.namespace} has no offline signature verifier`);
    directory.set(config.id, {
      ...base,
      confirmations: config.confirmations,
      verifySignature: async (p) => verify(p),
    });
  }
  return directory;
}
