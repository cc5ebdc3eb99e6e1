// BIP-137 ("signmessage") header bytes. The first byte of the 65-byte signature says which
// kind of address signed: 27–30 P2PKH with an uncompressed key, 31–34 P2PKH with a
// compressed key, 35–38 P2SH-P2WPKH, 39–42 P2WPKH; the low two bits are the recovery ID.

export type Bip137AddressKind = 'p2pkh-uncompressed' | 'p2pkh-compressed' | 'p2sh-p2wpkh' | 'p2wpkh';

export const BIP137_SIGNATURE_LENGTH = 65;

const KINDS: readonly Bip137AddressKind[] = [
  'p2pkh-uncompressed',
  'p2pkh-compressed',
  'p2sh-p2wpkh',
  'p2wpkh',
];

const DESCRIPTIONS: Readonly<Record<Bip137AddressKind, string>> = {
  'p2pkh-uncompressed': 'P2PKH addresses of uncompressed keys',
  'p2pkh-compressed': 'P2PKH addresses of compressed keys',
  'p2sh-p2wpkh': 'P2SH-P2WPKH addresses',
  p2wpkh: 'P2WPKH addresses',
};

/** The address kind a header byte announces, or undefined outside 27–42. */
export function bip137AddressKind(header: number): Bip137AddressKind | undefined {
  if (!Number.isInteger(header) || header < 27 || header > 42) return undefined;
  return KINDS[Math.floor((header - 27) / 4)];
}

export function describeBip137Kind(kind: Bip137AddressKind): string {
  return DESCRIPTIONS[kind];
}

/**
 * Whether decoded signature bytes have the BIP-137 shape (65 bytes, header 27–42). No
 * BIP-322 simple signature of the supported types is 65 bytes long (P2TR's witness is 66 or
 * 67, P2WPKH's over 100), so the shape alone tells the two formats apart.
 */
export function looksLikeBip137(bytes: Uint8Array): boolean {
  return bytes.length === BIP137_SIGNATURE_LENGTH && bip137AddressKind(bytes[0]!) !== undefined;
}
