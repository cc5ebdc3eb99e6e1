// Bitcoin addresses of one network, parsed to their output type. Base58check (P2PKH, P2SH)
// is case-sensitive and kept as written; bech32/bech32m (segwit) is case-insensitive and
// stored in lower case, its canonical form (BIP-173).
import { bech32, bech32m, createBase58check } from '@scure/base';
import { sha256 } from 'viem';
import { InvalidAccountError } from '../../errors.js';
import type { BitcoinNetwork } from './networks.js';

/**
 * The output types an address can name. `p2sh` is spent as P2SH-P2WPKH when a proof is
 * checked (the only P2SH form a single-key proof can have); `p2wsh` parses, so lookups of
 * such accounts are answered, but no proof of it is conclusive here.
 */
export type BitcoinAddressType = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr';

export interface BitcoinAddress {
  /** Canonical form. */
  address: string;
  type: BitcoinAddressType;
  network: BitcoinNetwork;
}

const base58check = createBase58check((data) => sha256(data, 'bytes'));

/** Longest segwit address BIP-173 allows. */
const MAX_BECH32_LENGTH = 90;

export function parseBitcoinAddress(raw: string, network: BitcoinNetwork): BitcoinAddress {
  const prefix = `${network.bech32Prefix}1`;
  if (raw.toLowerCase().startsWith(prefix)) return parseSegwit(raw, network);
  return parseBase58(raw, network);
}

function parseBase58(raw: string, network: BitcoinNetwork): BitcoinAddress {
  let payload: Uint8Array;
  try {
    payload = base58check.decode(raw);
  } catch {
    throw new InvalidAccountError(
      `"${raw}" is not a ${network.name} address (base58check with a valid checksum, or bech32 starting with ${network.bech32Prefix}1)`,
    );
  }
  if (payload.length !== 21) {
    throw new InvalidAccountError(`"${raw}" does not carry a 20-byte hash`);
  }
  const version = payload[0];
  if (version === network.p2pkhVersion) return { address: raw, type: 'p2pkh', network };
  if (version === network.p2shVersion) return { address: raw, type: 'p2sh', network };
  throw new InvalidAccountError(
    `"${raw}" is not a ${network.name} address (version byte 0x${version!.toString(16).padStart(2, '0')} belongs to another network)`,
  );
}

function parseSegwit(raw: string, network: BitcoinNetwork): BitcoinAddress {
  if (raw !== raw.toLowerCase() && raw !== raw.toUpperCase()) {
    throw new InvalidAccountError(`"${raw}" mixes upper and lower case, which bech32 forbids`);
  }
  const address = raw.toLowerCase();
  if (address.length > MAX_BECH32_LENGTH) {
    throw new InvalidAccountError(`"${raw}" is longer than a segwit address can be`);
  }
  // The witness version picks the checksum: bech32 for version 0, bech32m for 1 and above
  // (BIP-350); a version 0 address with a bech32m checksum is invalid, and so on.
  const decoded =
    bech32.decodeUnsafe(address, MAX_BECH32_LENGTH) ?? bech32m.decodeUnsafe(address, MAX_BECH32_LENGTH);
  if (!decoded || decoded.prefix !== network.bech32Prefix || decoded.words.length === 0) {
    throw new InvalidAccountError(`"${raw}" is not a ${network.name} segwit address (bad bech32 checksum)`);
  }
  const version = decoded.words[0]!;
  const isBech32m = bech32m.decodeUnsafe(address, MAX_BECH32_LENGTH) !== undefined;
  let program: Uint8Array;
  try {
    program = bech32.fromWords(decoded.words.slice(1));
  } catch {
    throw new InvalidAccountError(`"${raw}" has a witness program that is not whole bytes`);
  }
  if (version === 0) {
    if (isBech32m) throw new InvalidAccountError(`"${raw}" is a version 0 address with a bech32m checksum`);
    if (program.length === 20) return { address, type: 'p2wpkh', network };
    if (program.length === 32) return { address, type: 'p2wsh', network };
    throw new InvalidAccountError(`"${raw}" has a version 0 witness program of ${program.length} bytes`);
  }
  if (!isBech32m)
    throw new InvalidAccountError(`"${raw}" is a version ${version} address with a bech32 checksum`);
  if (version === 1 && program.length === 32) return { address, type: 'p2tr', network };
  throw new InvalidAccountError(
    `"${raw}" is a witness version ${version} address of ${program.length} bytes; only P2PKH, P2SH, P2WPKH, P2WSH and P2TR addresses are accepted`,
  );
}
