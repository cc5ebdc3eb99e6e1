import { describe, expect, it } from 'vitest';
import { generateBitcoinKey } from '../../../../test/helpers/bitcoinKeys.js';
import { InvalidAccountError, SignatureInvalidError } from '../../errors.js';
import { AccountNamespaces } from '../accountId.js';
import { BITCOIN_MAINNET, BITCOIN_SIGNET, bip122Adapter } from './index.js';

const namespaces = new AccountNamespaces([bip122Adapter]);
const common = {
  domain: 'attest.example.kz',
  uri: 'https://attest.example.kz',
  serviceName: 'wallet-attest',
  nonce: '0123456789abcdef0123456789abcdef',
  issuedAt: new Date('2026-11-22T10:00:00.000Z'),
  expiresAt: new Date('2026-11-22T10:10:00.000Z'),
};

function signed(account: string, sign: (address: string, message: string) => string) {
  const parsed = namespaces.parse(account);
  const message = bip122Adapter.challenge.build({ account: parsed, ...common });
  return {
    message,
    account: parsed,
    signature: sign(parsed.address, message),
    domain: common.domain,
    nonce: common.nonce,
  };
}

describe('bip122 accounts', () => {
  it('parse against the chain: the network of the reference decides the encodings', () => {
    expect(namespaces.parse(`bip122:${BITCOIN_MAINNET}:BC1Q9VZA2E8X573NCZRLZMS0WVX3GSQJX7VAVGKX0L`).id).toBe(
      `bip122:${BITCOIN_MAINNET}:bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l`,
    );
    expect(
      namespaces.parse(`bip122:${BITCOIN_MAINNET.toUpperCase()}:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2`).chainId,
    ).toBe(`bip122:${BITCOIN_MAINNET}`);
    expect(
      namespaces.parse(`bip122:${BITCOIN_SIGNET}:tb1q9vza2e8x573nczrlzms0wvx3gsqjx7vaxwd45v`).reference,
    ).toBe(BITCOIN_SIGNET);
    // Wrong network: a testnet address on mainnet and the other way round.
    expect(() =>
      namespaces.parse(`bip122:${BITCOIN_MAINNET}:tb1q9vza2e8x573nczrlzms0wvx3gsqjx7vaxwd45v`),
    ).toThrow(InvalidAccountError);
    expect(() => namespaces.parse(`bip122:${BITCOIN_SIGNET}:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2`)).toThrow(
      /another network/,
    );
    expect(() => namespaces.parse('bip122:mainnet:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toThrow(
      /first 32 hex digits of a known genesis block hash/,
    );
    expect(() => namespaces.parse(`bip122:${'ab'.repeat(16)}:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2`)).toThrow(
      InvalidAccountError,
    );
  });

  it('write a CAIP-122 challenge for Bitcoin with the chain reference, and BIP-322 digests', () => {
    const account = namespaces.parse(`bip122:${BITCOIN_MAINNET}:bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l`);
    const message = bip122Adapter.challenge.build({ account, ...common });
    const lines = message.split('\n');
    expect(lines[0]).toBe('attest.example.kz wants you to sign in with your Bitcoin account:');
    expect(lines[1]).toBe('bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l');
    expect(message).toContain(`\nChain ID: ${BITCOIN_MAINNET}\n`);
    expect(bip122Adapter.challenge.nonceOf(message)).toBe(common.nonce);
    expect(bip122Adapter.challenge.digest('Hello World')).toBe(
      '0xf0eb03b1a75ac6d9847f55c624a99169b5dccba2a31f5b23bea77ba270de0a7a',
    );
  });

  it('return the proof method of a valid proof', async () => {
    const key = generateBitcoinKey();
    for (const [type, method] of [
      ['p2pkh', 'bip137'],
      ['p2shP2wpkh', 'bip322-simple'],
      ['p2wpkh', 'bip322-simple'],
      ['p2tr', 'bip322-simple'],
    ] as const) {
      const proof = signed(`bip122:${BITCOIN_MAINNET}:${key.addresses[type]}`, key.sign);
      expect(await bip122Adapter.verifySignature!(proof)).toBe(method);
    }
  });

  it('refuse invalid and inconclusive proofs with signature-invalid, saying which', async () => {
    const key = generateBitcoinKey();
    const other = generateBitcoinKey();
    const wrongKey = signed(`bip122:${BITCOIN_MAINNET}:${key.addresses.p2wpkh}`, (_, message) =>
      other.sign(other.addresses.p2wpkh, message),
    );
    const invalid = await capture(() => bip122Adapter.verifySignature!(wrongKey));
    expect(invalid).toBeInstanceOf(SignatureInvalidError);
    expect(invalid.toProblem()).toMatchObject({ status: 422, proofResult: 'invalid' });

    // A BIP-322 witness for a P2PKH address: BIP-322 leaves it to the verifier, this one does not evaluate it.
    const p2pkh = signed(`bip122:${BITCOIN_MAINNET}:${key.addresses.p2pkh}`, (_, message) =>
      key.sign(key.addresses.p2wpkh, message),
    );
    const inconclusive = await capture(() => bip122Adapter.verifySignature!(p2pkh));
    expect(inconclusive).toBeInstanceOf(SignatureInvalidError);
    expect(inconclusive.toProblem()).toMatchObject({ proofResult: 'inconclusive' });
    expect(inconclusive.message).toMatch(/^The proof is inconclusive, so it is refused/);
  });
});

async function capture(run: () => unknown): Promise<SignatureInvalidError> {
  try {
    await run();
  } catch (error) {
    return error as SignatureInvalidError;
  }
  throw new Error('expected a refusal');
}
