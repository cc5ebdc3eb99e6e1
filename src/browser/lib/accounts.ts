// Which chains a plain address can belong to, by its shape and decoded length (the
// service checks the checksum), and the chains the service accepts (its metadata).
import { readCaip122 } from '../../domain/accounts/caip122.js';

/** A namespace's name in the page's language, as the page lists them (data-networks). */
export function networkName(namespace: string): string {
  const names = JSON.parse(document.getElementById('link')?.dataset.networks ?? '{}') as Record<
    string,
    string
  >;
  return names[namespace] ?? namespace;
}

let accepted: Promise<string[]> | undefined;
export function acceptedChains(): Promise<string[]> {
  accepted ??= fetch('/.well-known/wallet-attestation')
    .then((response) => response.json() as Promise<{ chains: { id: string }[] }>)
    .then((metadata) => metadata.chains.map((chain) => chain.id));
  return accepted;
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58Bytes(text: string): number[] | undefined {
  const bytes: number[] = [];
  for (const char of text) {
    let carry = BASE58.indexOf(char);
    if (carry < 0) return undefined;
    for (let i = 0; i < bytes.length; i++) {
      carry += (bytes[i] ?? 0) * 58;
      bytes[i] = carry & 255;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 255);
      carry >>= 8;
    }
  }
  for (const char of text) {
    if (char !== '1') break;
    bytes.push(0);
  }
  return bytes.reverse();
}

export function namespacesOf(address: string): string[] {
  const found: string[] = [];
  if (/^0x[0-9a-fA-F]{40}$/.test(address)) found.push('eip155');
  const decoded = base58Bytes(address);
  if (decoded && decoded.length === 25 && decoded[0] === 0x41) found.push('tron');
  if (decoded && decoded.length === 32) found.push('solana');
  if (
    /^(bc1|tb1|bcrt1)[02-9ac-hj-np-z]+$/i.test(address) ||
    (decoded && decoded.length === 25 && [0x00, 0x05, 0x6f, 0xc4].includes(decoded[0] ?? -1))
  )
    found.push('bip122');
  return found;
}

export function toHex(text: string): `0x${string}` {
  return `0x${Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The solana:signIn input, read back from the issued message with the service's own
 * CAIP-122 reader: the wallet writes the same text from it.
 */
export function signInInputOf(message: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(readCaip122('Solana', message)).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}
