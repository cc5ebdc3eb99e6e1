// The tron and solana adapters on their own: account formats, and the challenge text
// against what the wallets' own code writes and reads.
import { secp256k1 } from '@noble/curves/secp256k1';
import { createSignInMessageText, parseSignInMessageText } from '@solana/wallet-standard-util';
import { toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_NAMESPACES, solanaAdapter, tronAdapter } from '../../src/domain/accounts/index.js';
import { signInInput } from '../../src/domain/accounts/solana/index.js';
import { tronAddressOfPublicKey } from '../../src/domain/accounts/tron/index.js';
import { solanaSigner, tronAddressOf, tronSigner } from './namespaceSigners.js';

const issuedAt = new Date('2026-11-22T10:00:00.000Z');
const expiresAt = new Date('2026-11-22T10:10:00.000Z');
const common = {
  domain: 'attest.example.kz',
  uri: 'https://attest.example.kz',
  serviceName: 'wallet-attest',
  nonce: '0123456789abcdef0123456789abcdef',
  issuedAt,
  expiresAt,
};

describe('tron accounts', () => {
  it('derive T… addresses as TronWeb does (published key → address)', () => {
    expect(tronAddressOf('0xda146374a75310b9666e834ee4ad0866d6f4035967bfc76217c5a495fff9f0d0')).toBe(
      'TPL66VK2gCXNCD7EJg9pgJRfqcRazjhUZY',
    );
  });

  it('parse mainnet accounts, lower-case the reference, refuse bad checksums and other versions', () => {
    const signer = tronSigner();
    expect(ACCOUNT_NAMESPACES.parse(`tron:0x2B6653DC:${signer.address}`).id).toBe(
      `tron:0x2b6653dc:${signer.address}`,
    );
    const flipped = signer.address.slice(0, -1) + (signer.address.endsWith('a') ? 'b' : 'a');
    expect(() => ACCOUNT_NAMESPACES.parse(`tron:0x2b6653dc:${flipped}`)).toThrow(/base58check/);
    expect(() => ACCOUNT_NAMESPACES.parse('tron:mainnet:TPL66VK2gCXNCD7EJg9pgJRfqcRazjhUZY')).toThrow(
      /0x and eight hex digits/,
    );
    // A Bitcoin P2PKH address is base58check too, with version byte 0x00.
    expect(() => ACCOUNT_NAMESPACES.parse('tron:0x2b6653dc:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toThrow(
      /version byte 0x41/,
    );
  });

  it('write a CAIP-122 message with every field, Chain ID the CAIP-2 reference', () => {
    const signer = tronSigner();
    const account = ACCOUNT_NAMESPACES.parse(`tron:0x2b6653dc:${signer.address}`);
    const message = tronAdapter.challenge.build({ account, ...common });
    expect(message).toBe(
      [
        'attest.example.kz wants you to sign in with your TRON account:',
        signer.address,
        '',
        'Link this account to my verified identity at wallet-attest (attest.example.kz). Signing proves that I control the account; it authorises no transaction and no payment.',
        '',
        'URI: https://attest.example.kz',
        'Version: 1',
        'Chain ID: 0x2b6653dc',
        'Nonce: 0123456789abcdef0123456789abcdef',
        'Issued At: 2026-11-22T10:00:00.000Z',
        'Expiration Time: 2026-11-22T10:10:00.000Z',
      ].join('\n'),
    );
    expect(tronAdapter.challenge.nonceOf(message)).toBe(common.nonce);
    expect(
      tronAdapter.challenge.differingFields(message, message.replace('Version: 1', 'Version: 2')),
    ).toEqual(['version']);
  });

  it('recovers the address TronWeb would derive', async () => {
    const signer = tronSigner();
    const account = ACCOUNT_NAMESPACES.parse(`tron:0x2b6653dc:${signer.address}`);
    const message = tronAdapter.challenge.build({ account, ...common });
    await expect(
      tronAdapter.verifySignature!({
        message,
        signature: signer.sign(message),
        account,
        domain: common.domain,
        nonce: common.nonce,
      }),
    ).resolves.toBe('tip191');
    const publicKey = toHex(
      secp256k1.getPublicKey('da146374a75310b9666e834ee4ad0866d6f4035967bfc76217c5a495fff9f0d0', false),
    );
    expect(tronAddressOfPublicKey(publicKey)).toBe('TPL66VK2gCXNCD7EJg9pgJRfqcRazjhUZY');
  });
});

describe('solana accounts', () => {
  it('parse base58 ed25519 keys and refuse other lengths and spellings', () => {
    const signer = solanaSigner();
    expect(
      ACCOUNT_NAMESPACES.parse(`solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:${signer.address}`).address,
    ).toBe(signer.address);
    expect(() =>
      ACCOUNT_NAMESPACES.parse(`solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:1${signer.address}`),
    ).toThrow(/32 bytes/);
    expect(() => ACCOUNT_NAMESPACES.parse('solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:0OIl')).toThrow(/base58/);
    expect(() => ACCOUNT_NAMESPACES.parse(`solana:mainnet:${signer.address}`)).toThrow(/genesis hash/);
  });

  it('writes the text a Wallet Standard wallet writes for the same solana:signIn input', () => {
    const signer = solanaSigner();
    const account = ACCOUNT_NAMESPACES.parse(`solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:${signer.address}`);
    const message = solanaAdapter.challenge.build({ account, ...common });
    const input = signInInput({ account, ...common });
    expect(message).toBe(createSignInMessageText(input));
    expect(parseSignInMessageText(message)).toMatchObject({
      chainId: 'solana:mainnet',
      nonce: common.nonce,
      address: signer.address,
      expirationTime: expiresAt.toISOString(),
    });
    expect(message.split('\n')[0]).toBe('attest.example.kz wants you to sign in with your Solana account:');
  });
});
