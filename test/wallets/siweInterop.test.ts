// Interop: the reference EIP-4361 implementation (the `siwe` package) writes the same text
// for the same fields, and reads ours back to the same fields.
import { SiweMessage } from 'siwe';
import { parseSiweMessage } from 'viem/siwe';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_NAMESPACES } from '../../src/domain/accounts/index.js';
import {
  buildWalletChallengeMessage,
  walletChallengeStatement,
} from '../../src/domain/accounts/walletChallenge.js';

const CASES = [
  {
    account: 'eip155:1:0xab5801a7d398351b8be11c439e05c5b3259aec9b',
    domain: 'attest.example.kz',
    uri: 'https://attest.example.kz',
  },
  {
    account: 'eip155:8453:0x000000000000000000000000000000000000dEaD',
    domain: 'localhost:8787',
    uri: 'http://localhost:8787',
  },
  {
    account: 'eip155:31337:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    domain: '127.0.0.1:9000',
    uri: 'http://127.0.0.1:9000',
  },
];

describe('EIP-4361 interop with the siwe package', () => {
  it.each(CASES)('writes and reads $account like siwe does', ({ account: raw, domain, uri }) => {
    const account = ACCOUNT_NAMESPACES.parse(raw);
    const issuedAt = new Date('2026-11-22T10:00:00.000Z');
    const expiresAt = new Date('2026-11-22T10:10:00.000Z');
    const nonce = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const ours = buildWalletChallengeMessage({
      account,
      domain,
      uri,
      serviceName: 'wallet-attest',
      nonce,
      issuedAt,
      expiresAt,
    });
    const theirs = new SiweMessage({
      domain,
      address: account.address,
      statement: walletChallengeStatement('wallet-attest', domain),
      uri,
      version: '1',
      chainId: Number(account.reference),
      nonce,
      issuedAt: issuedAt.toISOString(),
      expirationTime: expiresAt.toISOString(),
    }).prepareMessage();

    expect(ours).toBe(theirs);
    expect(parseSiweMessage(theirs)).toEqual(parseSiweMessage(ours));

    // siwe's own parser reads our text back to the fields we meant.
    const reread = new SiweMessage(ours);
    expect(reread).toMatchObject({
      domain,
      address: account.address,
      uri,
      version: '1',
      chainId: Number(account.reference),
      nonce,
      issuedAt: issuedAt.toISOString(),
      expirationTime: expiresAt.toISOString(),
    });
  });
});
