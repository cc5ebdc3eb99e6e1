import { parseSiweMessage, validateSiweMessage } from 'viem/siwe';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_NAMESPACES } from './index.js';
import { buildWalletChallengeMessage, differingFields, nonceOf } from './walletChallenge.js';

const account = ACCOUNT_NAMESPACES.parse('eip155:8453:0xab5801a7d398351b8be11c439e05c5b3259aec9b');
const issuedAt = new Date('2026-11-22T10:00:00.000Z');
const expiresAt = new Date('2026-11-22T10:10:00.000Z');
const message = buildWalletChallengeMessage({
  account,
  domain: 'attest.example.kz',
  uri: 'https://attest.example.kz',
  serviceName: 'wallet-attest',
  nonce: '0123456789abcdef0123456789abcdef',
  issuedAt,
  expiresAt,
});

describe('the wallet challenge message', () => {
  it('is an EIP-4361 message with every field the service relies on', () => {
    expect(message).toBe(
      [
        'attest.example.kz wants you to sign in with your Ethereum account:',
        '0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B',
        '',
        'Link this account to my verified identity at wallet-attest (attest.example.kz). Signing proves that I control the account; it authorises no transaction and no payment.',
        '',
        'URI: https://attest.example.kz',
        'Version: 1',
        'Chain ID: 8453',
        'Nonce: 0123456789abcdef0123456789abcdef',
        'Issued At: 2026-11-22T10:00:00.000Z',
        'Expiration Time: 2026-11-22T10:10:00.000Z',
      ].join('\n'),
    );
    const parsed = parseSiweMessage(message);
    expect(
      validateSiweMessage({
        message: parsed,
        domain: 'attest.example.kz',
        nonce: '0123456789abcdef0123456789abcdef',
        address: '0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B',
        time: new Date('2026-11-22T10:05:00.000Z'),
      }),
    ).toBe(true);
    expect(nonceOf(message)).toBe('0123456789abcdef0123456789abcdef');
  });

  it('names the fields a tampered copy changes, and none for layout-only changes', () => {
    expect(differingFields(message, message.replace('Chain ID: 8453', 'Chain ID: 1'))).toEqual(['chainId']);
    expect(
      differingFields(
        message,
        message
          .replace('attest.example.kz wants', 'evil.example wants')
          .replace('URI: https://attest.example.kz', 'URI: https://evil.example'),
      ),
    ).toEqual(['domain', 'uri']);
    expect(differingFields(message, `${message}\n`)).toEqual([]);
  });
});
