// Bitcoin networks as CAIP-2 names them: `bip122:<first 32 hex characters of the genesis
// block hash>`. The reference fixes which address encodings belong to the chain, so an
// address of one network is never accepted on another.

export interface BitcoinNetwork {
  /** CAIP-2 reference (lower-case hex). */
  reference: string;
  name: string;
  /** Base58check version byte of P2PKH addresses. */
  p2pkhVersion: number;
  /** Base58check version byte of P2SH addresses. */
  p2shVersion: number;
  /** Bech32 human-readable part of segwit addresses. */
  bech32Prefix: string;
}

export const BITCOIN_MAINNET = '000000000019d6689c085ae165831e93';
export const BITCOIN_TESTNET3 = '000000000933ea01ad0ee984209779ba';
export const BITCOIN_TESTNET4 = '00000000da84f2bafbbc53dee25a72ae';
export const BITCOIN_SIGNET = '00000008819873e925422c1ff0f99f7c';
export const BITCOIN_REGTEST = '0f9188f13cb7b2c71f2a335e3a4fc328';

const TEST_ENCODING = { p2pkhVersion: 0x6f, p2shVersion: 0xc4, bech32Prefix: 'tb' };

export const BITCOIN_NETWORKS: Readonly<Record<string, BitcoinNetwork>> = {
  [BITCOIN_MAINNET]: {
    reference: BITCOIN_MAINNET,
    name: 'Bitcoin mainnet',
    p2pkhVersion: 0x00,
    p2shVersion: 0x05,
    bech32Prefix: 'bc',
  },
  [BITCOIN_TESTNET3]: { reference: BITCOIN_TESTNET3, name: 'Bitcoin testnet3', ...TEST_ENCODING },
  [BITCOIN_TESTNET4]: { reference: BITCOIN_TESTNET4, name: 'Bitcoin testnet4', ...TEST_ENCODING },
  [BITCOIN_SIGNET]: { reference: BITCOIN_SIGNET, name: 'Bitcoin signet', ...TEST_ENCODING },
  [BITCOIN_REGTEST]: {
    reference: BITCOIN_REGTEST,
    name: 'Bitcoin regtest',
    p2pkhVersion: 0x6f,
    p2shVersion: 0xc4,
    bech32Prefix: 'bcrt',
  },
};

/** The network of a CAIP-2 reference, or undefined when it names no network the service knows. */
export function bitcoinNetwork(reference: string): BitcoinNetwork | undefined {
  return Object.hasOwn(BITCOIN_NETWORKS, reference) ? BITCOIN_NETWORKS[reference] : undefined;
}
