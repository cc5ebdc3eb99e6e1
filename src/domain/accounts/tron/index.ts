// The tron namespace: CAIP-2 references are the 0x-prefixed last four bytes of the genesis
// block hash (mainnet `tron:0x2b6653dc`); addresses are base58check of 0x41 ‖ the 20-byte
// account hash, written `T…`. Proofs are TIP-191 signMessageV2 signatures (TronLink,
// TronWeb): secp256k1 over keccak256("\x19TRON Signed Message:\n" + length + message),
// with the address recovered from the signature. Built on viem's keccak256, sha256 and
// secp256k1 recovery (the same code as eip155) and @scure/base's base58check, so no
// second implementation of the curve or the hashes comes in.
import { createBase58check } from '@scure/base';
import { concat, type Hex, hexToBytes, keccak256, recoverPublicKey, sha256, stringToBytes } from 'viem';
import { InvalidAccountError, SignatureInvalidError } from '../../errors.js';
import { caip122Format } from '../caip122.js';
import { requireCanonicalEoaSignature } from '../eoaSignature.js';
import type { NamespaceAdapter } from '../namespace.js';

const base58check = createBase58check((data) => sha256(data, 'bytes'));

/** The version byte of TRON mainnet-format addresses (all networks use it). */
const ADDRESS_PREFIX = 0x41;

export const TRON_MAINNET = '0x2b6653dc';

/** The TIP-191 digest signMessageV2 signs: the length is that of the UTF-8 bytes. */
export function tronMessageHash(message: string): Hex {
  const bytes = stringToBytes(message);
  return keccak256(concat([stringToBytes(`\x19TRON Signed Message:\n${bytes.length}`), bytes]));
}

/** The T… address of a 20-byte account hash (0x-hex). */
export function tronAddressOfHash(accountHash: Hex): string {
  return base58check.encode(new Uint8Array([ADDRESS_PREFIX, ...hexToBytes(accountHash)]));
}

/** The T… address of an uncompressed secp256k1 public key (0x04 ‖ x ‖ y). */
export function tronAddressOfPublicKey(publicKey: Hex): string {
  const hash = keccak256(`0x${publicKey.slice(4)}`);
  return tronAddressOfHash(`0x${hash.slice(-40)}`);
}

function normaliseAddress(address: string): string {
  let payload: Uint8Array;
  try {
    payload = base58check.decode(address);
  } catch {
    throw new InvalidAccountError(`"${address}" is not a base58check TRON address (T…, 34 characters)`);
  }
  if (payload.length !== 21 || payload[0] !== ADDRESS_PREFIX) {
    throw new InvalidAccountError(
      `"${address}" is not a TRON account address (version byte 0x41, 20-byte hash)`,
    );
  }
  // base58 is case-sensitive and has one spelling per payload: the input is canonical.
  return address;
}

export const tronAdapter: NamespaceAdapter = {
  namespace: 'tron',
  title: 'TRON',
  knownChains: {
    [TRON_MAINNET]: 'TRON mainnet',
    '0x94a9059e': 'Shasta testnet',
    '0xcd8690dc': 'Nile testnet',
  },

  normaliseReference(reference) {
    if (!/^0x[0-9a-fA-F]{8}$/.test(reference)) {
      throw new InvalidAccountError(
        `tron chain references are 0x and eight hex digits, the end of the genesis block hash (got "${reference}"; mainnet is ${TRON_MAINNET})`,
      );
    }
    return reference.toLowerCase();
  },

  normaliseAddress,

  challenge: caip122Format('TRON', (p) => p.account.reference, { digest: 'keccak256' }),
  proofMethods: ['tip191'],
  attestationForms: ['jwt'],
  signatureEncoding: '0x-prefixed hex, 65 bytes (r ‖ s ‖ v)',

  async verifySignature({ message, signature, account }) {
    const hex = (/^[0-9a-fA-F]{130}$/.test(signature) ? `0x${signature}` : signature) as Hex;
    requireCanonicalEoaSignature(hex);
    let signer: string;
    try {
      signer = tronAddressOfPublicKey(
        await recoverPublicKey({ hash: tronMessageHash(message), signature: hex }),
      );
    } catch {
      throw new SignatureInvalidError('The signature does not recover to any public key');
    }
    if (signer !== account.address) {
      throw new SignatureInvalidError(
        `The signature was not made by ${account.address} with TIP-191 signMessageV2 (it recovers to ${signer}; a signMessage (v1) signature or another key's does not count)`,
      );
    }
    return 'tip191';
  },
};
