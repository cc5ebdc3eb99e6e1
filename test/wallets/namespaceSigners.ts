// Wallets of the non-EVM namespaces as the tests drive them: real keys, real signatures,
// made the way TronLink / TronWeb and Solana wallets make them, with code independent of
// the service's verifiers (@noble/curves signs; the service recovers with viem).
import { ed25519 } from '@noble/curves/ed25519';
import { secp256k1 } from '@noble/curves/secp256k1';
import { base58, createBase58check } from '@scure/base';
import { concat, type Hex, hexToBytes, keccak256, sha256, stringToBytes, toHex } from 'viem';
import { generatePrivateKey } from 'viem/accounts';

const base58check = createBase58check((data) => sha256(data, 'bytes'));

export const TRON_MAINNET = 'tron:0x2b6653dc';
export const TRON_SHASTA = 'tron:0x94a9059e';
export const SOLANA_MAINNET = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';
export const SOLANA_DEVNET = 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1';

export interface TestSigner {
  address: string;
  /** The namespace's ordinary message signature over the UTF-8 text. */
  sign(message: string): string;
}

function rsv(hash: Hex, privateKey: Hex): Hex {
  const signature = secp256k1.sign(hash.slice(2), privateKey.slice(2), { lowS: true });
  return `0x${signature.toCompactHex()}${(27 + signature.recovery).toString(16)}`;
}

/** The T… address of a secp256k1 private key: base58check(0x41 ‖ keccak256(pubkey)[12..]). */
export function tronAddressOf(privateKey: Hex): string {
  const publicKey = secp256k1.getPublicKey(privateKey.slice(2), false);
  const hash = keccak256(publicKey.slice(1));
  return base58check.encode(concat([new Uint8Array([0x41]), hexToBytes(`0x${hash.slice(-40)}`)]));
}

export interface TronSigner extends TestSigner {
  privateKey: Hex;
  /** TronWeb's signMessage (v1): a 32-byte hex payload under the fixed "\n32" header. */
  signV1(hexPayload: Hex): Hex;
}

/** A TRON account signing like TronWeb's signMessageV2 (TIP-191). */
export function tronSigner(privateKey: Hex = generatePrivateKey()): TronSigner {
  return {
    privateKey,
    address: tronAddressOf(privateKey),
    sign(message) {
      const bytes = stringToBytes(message);
      const hash = keccak256(concat([stringToBytes(`\x19TRON Signed Message:\n${bytes.length}`), bytes]));
      return rsv(hash, privateKey);
    },
    signV1(hexPayload) {
      const hash = keccak256(concat([stringToBytes('\x19TRON Signed Message:\n32'), hexToBytes(hexPayload)]));
      return rsv(hash, privateKey);
    },
  };
}

export interface SolanaSigner extends TestSigner {
  publicKey: Uint8Array;
  signBytes(message: Uint8Array): Uint8Array;
}

/** A Solana keypair signing messages as solana:signIn and solana:signMessage do (ed25519, base58 out). */
export function solanaSigner(): SolanaSigner {
  const secret = ed25519.utils.randomPrivateKey();
  const publicKey = ed25519.getPublicKey(secret);
  return {
    publicKey,
    address: base58.encode(publicKey),
    signBytes: (message) => ed25519.sign(message, secret),
    sign: (message) => base58.encode(ed25519.sign(stringToBytes(message), secret)),
  };
}

/** Flips s to n − s and v to the other parity: the same signature, malleated. */
export function malleate(signature: Hex): Hex {
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130), 16);
  return `${signature.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
}

export { toHex };
