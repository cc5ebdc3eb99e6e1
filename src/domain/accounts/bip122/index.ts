// The bip122 namespace (Bitcoin): CAIP-2 references are the first 32 hex characters of the
// genesis block hash (mainnet `bip122:000000000019d6689c085ae165831e93`); addresses are
// P2PKH, P2SH, P2WPKH, P2WSH or P2TR of the reference's network. Challenges are CAIP-122
// messages; proofs are BIP-322 signatures (simple or full) and, for P2PKH, legacy BIP-137
// ones, checked by ./verify.ts.
import { InvalidAccountError, SignatureInvalidError } from '../../errors.js';
import { caip122Format } from '../caip122.js';
import type { NamespaceAdapter } from '../namespace.js';
import { parseBitcoinAddress } from './address.js';
import { BITCOIN_MAINNET, BITCOIN_NETWORKS, type BitcoinNetwork, bitcoinNetwork } from './networks.js';
import { BITCOIN_PROOF_METHODS, bip322MessageHash, verifyBitcoinProof } from './verify.js';

export type { BitcoinAddress, BitcoinAddressType } from './address.js';
export { parseBitcoinAddress } from './address.js';
export { bip137AddressKind } from './bip137.js';
export * from './networks.js';
export type { BitcoinProofMethod, BitcoinProofResult } from './verify.js';
export { BITCOIN_PROOF_METHODS, bip322MessageHash, verifyBitcoinProof } from './verify.js';

function networkOf(reference: string): BitcoinNetwork {
  const network = /^[0-9a-fA-F]{32}$/.test(reference) ? bitcoinNetwork(reference.toLowerCase()) : undefined;
  if (!network) {
    throw new InvalidAccountError(
      `bip122 chain references are the first 32 hex digits of a known genesis block hash (got "${reference}"; mainnet is ${BITCOIN_MAINNET}, known: ${Object.values(
        BITCOIN_NETWORKS,
      )
        .map((n) => `${n.reference} ${n.name}`)
        .join(', ')})`,
    );
  }
  return network;
}

const challenge = caip122Format('Bitcoin', (p) => p.account.reference);

export const bip122Adapter: NamespaceAdapter = {
  namespace: 'bip122',
  title: 'Bitcoin',
  knownChains: Object.fromEntries(Object.values(BITCOIN_NETWORKS).map((n) => [n.reference, n.name])),

  normaliseReference: (reference) => networkOf(reference).reference,

  // Which encodings are valid depends on the network, so the address is read against the
  // chain's; without a chain, an address of any known network is accepted as written.
  normaliseAddress(address, reference) {
    if (reference !== undefined) return parseBitcoinAddress(address, networkOf(reference)).address;
    for (const network of Object.values(BITCOIN_NETWORKS)) {
      try {
        return parseBitcoinAddress(address, network).address;
      } catch {}
    }
    return parseBitcoinAddress(address, BITCOIN_NETWORKS[BITCOIN_MAINNET]!).address;
  },

  // The digest BIP-322 signs: the tagged hash of the message.
  challenge: { ...challenge, digest: (message) => `0x${bip322MessageHash(message)}` },
  proofMethods: BITCOIN_PROOF_METHODS,
  attestationForms: ['jwt'],
  signatureEncoding: 'base64 (a BIP-322 witness or transaction, or a 65-byte BIP-137 signature)',

  verifySignature({ message, signature, account }) {
    const address = parseBitcoinAddress(account.address, networkOf(account.reference));
    const outcome = verifyBitcoinProof(address, message, signature);
    if (outcome.result === 'valid') return outcome.method;
    // Inconclusive is not valid: BIP-322 leaves it to the verifier, and this one refuses.
    throw new SignatureInvalidError(
      outcome.result === 'inconclusive'
        ? `The proof is inconclusive, so it is refused: ${outcome.reason}`
        : `The signature does not prove control of ${account.address}: ${outcome.reason}`,
      { proofResult: outcome.result, ...(outcome.method ? { proofMethod: outcome.method } : {}) },
    );
  },
};
