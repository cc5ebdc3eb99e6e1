import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidAccountError } from '../../errors.js';
import { parseBitcoinAddress } from './address.js';
import { BITCOIN_MAINNET, BITCOIN_NETWORKS, BITCOIN_REGTEST, BITCOIN_SIGNET } from './networks.js';

const mainnet = BITCOIN_NETWORKS[BITCOIN_MAINNET]!;
const signet = BITCOIN_NETWORKS[BITCOIN_SIGNET]!;
const regtest = BITCOIN_NETWORKS[BITCOIN_REGTEST]!;

describe('Bitcoin addresses', () => {
  it.each([
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'p2pkh'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'p2sh'],
    ['bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l', 'p2wpkh'],
    ['bc1qeklep85ntjz4605drds6aww9u0qr46qzrv5xswd35uhjuj8ahfcqgf6hak', 'p2wsh'],
    ['bc1ppv609nr0vr25u07u95waq5lucwfm6tde4nydujnu8npg4q75mr5sxq8lt3', 'p2tr'],
  ])('reads mainnet %s as %s', (address, type) => {
    expect(parseBitcoinAddress(address, mainnet)).toMatchObject({ address, type });
  });

  it.each([
    ['mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', 'p2pkh'],
    ['2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc', 'p2sh'],
    ['tb1q9vza2e8x573nczrlzms0wvx3gsqjx7vaxwd45v', 'p2wpkh'],
    ['tb1p000273lqsqqfw2a6h2vqxr2tll4wgtv7zu8a30rz4mhree8q5jzq8cjtyp', 'p2tr'],
  ])('reads signet %s as %s', (address, type) => {
    expect(parseBitcoinAddress(address, signet)).toMatchObject({ address, type });
  });

  it('stores bech32 in lower case and refuses mixed case', () => {
    expect(parseBitcoinAddress('BC1Q9VZA2E8X573NCZRLZMS0WVX3GSQJX7VAVGKX0L', mainnet).address).toBe(
      'bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l',
    );
    expect(() => parseBitcoinAddress('bc1Q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l', mainnet)).toThrow(
      /mixes upper/,
    );
  });

  it('refuses an address of another network', () => {
    expect(() => parseBitcoinAddress('tb1q9vza2e8x573nczrlzms0wvx3gsqjx7vaxwd45v', mainnet)).toThrow(
      InvalidAccountError,
    );
    expect(() => parseBitcoinAddress('mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', mainnet)).toThrow(
      /another network/,
    );
    expect(() => parseBitcoinAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', signet)).toThrow(
      /another network/,
    );
    expect(() => parseBitcoinAddress('bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l', signet)).toThrow(
      InvalidAccountError,
    );
    expect(parseBitcoinAddress('bcrt1q9vza2e8x573nczrlzms0wvx3gsqjx7vay85cr9', regtest).type).toBe('p2wpkh');
    expect(() => parseBitcoinAddress('tb1q9vza2e8x573nczrlzms0wvx3gsqjx7vaxwd45v', regtest)).toThrow(
      InvalidAccountError,
    );
  });

  it('refuses bad checksums, wrong checksum kinds and unknown witness programs', () => {
    // One character changed in each.
    expect(() => parseBitcoinAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', mainnet)).toThrow(/checksum/);
    expect(() => parseBitcoinAddress('bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0m', mainnet)).toThrow(
      /checksum/,
    );
    // BIP-350's invalid vectors: v0 with bech32m, v1 with bech32, witness version 2.
    expect(() => parseBitcoinAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', mainnet)).toThrow(
      /bech32m/,
    );
    expect(() =>
      parseBitcoinAddress('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', mainnet),
    ).toThrow(/bech32 checksum/);
    expect(() => parseBitcoinAddress('bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', mainnet)).toThrow(
      /witness version 2/,
    );
    expect(() => parseBitcoinAddress('', mainnet)).toThrow(InvalidAccountError);
    expect(() => parseBitcoinAddress('0x52908400098527886E0F7030069857D2E4169EE7', mainnet)).toThrow(
      InvalidAccountError,
    );
  });
});

describe('address parsing, properties', () => {
  it('answers any string with a canonical address or invalid-account, and canonical forms are fixed points', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('bc1q', 'bc1p', 'tb1q', 'BC1Q', '1', '3', 'm', '2'),
      fc.stringMatching(/^[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{6,60}$/),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 3 }).map((parts) => parts.join('')),
        fc.constantFrom(mainnet, signet, regtest),
        (raw, network) => {
          let parsed: ReturnType<typeof parseBitcoinAddress>;
          try {
            parsed = parseBitcoinAddress(raw, network);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidAccountError);
            return;
          }
          expect(parseBitcoinAddress(parsed.address, network)).toEqual(parsed);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
