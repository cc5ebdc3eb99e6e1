// The one encoding of an externally owned account's signature the service accepts. ECDSA
// over secp256k1 is malleable: (r, n − s) with the other recovery bit verifies for the same
// message and key, and so do 64-byte EIP-2098 compact forms and v = 0/1. A proof of control
// should have exactly one valid signature per message and key (EIP-2 made high s invalid
// for transactions), so everything but 65 bytes r ‖ s ‖ v with 1 ≤ r < n, 1 ≤ s ≤ n/2 and
// v ∈ {27, 28} is refused. Contract wallets (ERC-1271, ERC-6492) define their own.
import { SignatureNotCanonicalError } from '../errors.js';

/** The order of the secp256k1 group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N >> 1n;

/** Why the 0x-prefixed hex signature is not canonical, or undefined when it is. */
export function nonCanonicalEoaSignature(signature: string): string | undefined {
  if (!/^0x[0-9a-fA-F]*$/.test(signature)) return 'it is not 0x-prefixed hex';
  const hex = signature.slice(2);
  if (hex.length !== 130) {
    return `it has ${Math.floor(hex.length / 2)} bytes; an account signature is 65 bytes (r, s, v), compact 64-byte forms are not accepted`;
  }
  const r = BigInt(`0x${hex.slice(0, 64)}`);
  const s = BigInt(`0x${hex.slice(64, 128)}`);
  const v = Number.parseInt(hex.slice(128), 16);
  if (r === 0n || r >= SECP256K1_N) return 'r is outside 1..n-1';
  if (s === 0n || s >= SECP256K1_N) return 's is outside 1..n-1';
  if (s > HALF_N) return 's is in the upper half of the curve order (high s): use the low-s form n - s';
  if (v !== 27 && v !== 28) return `v is ${v}; it must be 27 or 28`;
  return undefined;
}

export function requireCanonicalEoaSignature(signature: string): void {
  const reason = nonCanonicalEoaSignature(signature);
  if (reason) {
    throw new SignatureNotCanonicalError(
      `The signature is not in canonical form: ${reason}. Each message and key has exactly one accepted signature.`,
    );
  }
}
