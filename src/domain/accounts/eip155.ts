// The eip155 namespace (Ethereum and EVM chains): decimal chain IDs, 20-byte addresses
// written with the EIP-55 mixed-case checksum.
import { getAddress, isAddress, keccak256, stringToBytes } from 'viem';
import { InvalidAccountError } from '../errors.js';
import type { AccountNamespace } from './accountId.js';
import type { NamespaceAdapter } from './namespace.js';
import { buildWalletChallengeMessage, differingFields, nonceOf } from './walletChallenge.js';

const MAX_CHAIN_ID = Number.MAX_SAFE_INTEGER;

export const eip155Namespace: AccountNamespace = {
  namespace: 'eip155',

  normaliseReference(reference) {
    if (!/^[1-9]\d*$/.test(reference) || Number(reference) > MAX_CHAIN_ID) {
      throw new InvalidAccountError(
        `eip155 chain references are positive decimal chain IDs without leading zeros (got "${reference}")`,
      );
    }
    return reference;
  },

  normaliseAddress(address) {
    if (!isAddress(address, { strict: false })) {
      throw new InvalidAccountError(`"${address}" is not a 20-byte hex address`);
    }
    // All-lowercase and all-uppercase carry no checksum; mixed case must be a correct
    // EIP-55 checksum, since a wrong one usually means a mistyped address.
    const hex = address.slice(2);
    const mixedCase = hex !== hex.toLowerCase() && hex !== hex.toUpperCase();
    if (mixedCase) {
      // A correct checksum is the canonical form already: one keccak, not two (each costs
      // ~6 µs, and a batch lookup parses 1,000 distinct accounts).
      if (!isAddress(address, { strict: true })) {
        throw new InvalidAccountError(`"${address}" has an invalid EIP-55 checksum`);
      }
      return address;
    }
    return getAddress(address);
  },

  normaliseAddressForLookup(address) {
    if (!isAddress(address, { strict: false })) {
      throw new InvalidAccountError(`"${address}" is not a 20-byte hex address`);
    }
    const hex = address.slice(2);
    const mixedCase = hex !== hex.toLowerCase() && hex !== hex.toUpperCase();
    // A mixed-case address is either the canonical form or a wrong checksum; which one,
    // the caller learns by comparing with what is stored.
    if (mixedCase && address.startsWith('0x')) return { address, checked: false };
    return { address: this.normaliseAddress(address), checked: true };
  },
};

/**
 * The eip155 adapter: EIP-4361 (Sign-In with Ethereum) challenges, keccak256 digests for
 * on-chain proofs, both attestation forms. Its signatures are checked by the chain adapter
 * (src/chains/evmChains.ts): contract wallets (ERC-1271, ERC-6492) need the chain's RPC.
 */
export const eip155Adapter: NamespaceAdapter = {
  ...eip155Namespace,
  title: 'Ethereum and EVM chains',
  knownChains: { '1': 'Ethereum mainnet', '8453': 'Base', '11155111': 'Sepolia' },
  challenge: {
    build: buildWalletChallengeMessage,
    nonceOf,
    differingFields,
    digest: (message) => keccak256(stringToBytes(message)),
  },
  proofMethods: ['eip191', 'erc1271', 'erc6492', 'onchain'],
  rpcProofMethods: ['erc1271', 'erc6492', 'onchain'],
  attestationForms: ['jwt', 'eip712'],
  signatureEncoding: '0x-prefixed hex',
};
