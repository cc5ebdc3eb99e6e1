import { describe, expect, it } from 'vitest';
import { type AccountNamespace, AccountNamespaces } from './accountId.js';
import { ACCOUNT_NAMESPACES } from './index.js';

const CHECKSUMMED = '0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B';

describe('CAIP-10 account IDs', () => {
  it('normalises eip155 addresses to their EIP-55 checksum', () => {
    for (const raw of [CHECKSUMMED, CHECKSUMMED.toLowerCase(), `0x${CHECKSUMMED.slice(2).toUpperCase()}`]) {
      expect(ACCOUNT_NAMESPACES.parse(`eip155:1:${raw}`)).toEqual({
        namespace: 'eip155',
        reference: '1',
        address: CHECKSUMMED,
        chainId: 'eip155:1',
        id: `eip155:1:${CHECKSUMMED}`,
      });
    }
  });

  it.each([
    ['no namespace', CHECKSUMMED, 'invalid-account'],
    ['an empty address', 'eip155:1:', 'invalid-account'],
    ['a wrong checksum', `eip155:1:${CHECKSUMMED.replace('Ab', 'aB')}`, 'invalid-account'],
    ['a short address', 'eip155:1:0xAb5801a7', 'invalid-account'],
    ['a leading-zero chain ID', `eip155:01:${CHECKSUMMED}`, 'invalid-account'],
    ['a hex chain ID', `eip155:0x1:${CHECKSUMMED}`, 'invalid-account'],
    ['chain ID zero', `eip155:0:${CHECKSUMMED}`, 'invalid-account'],
    ['an upper-case namespace', `EIP155:1:${CHECKSUMMED}`, 'invalid-account'],
    ['trailing whitespace', `eip155:1:${CHECKSUMMED} `, 'invalid-account'],
    [
      'an unknown namespace',
      'cosmos:cosmoshub-4:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0',
      'unsupported-namespace',
    ],
  ])('refuses %s', (_what, raw, slug) => {
    expect(() => ACCOUNT_NAMESPACES.parse(raw)).toThrow(expect.objectContaining({ slug }));
  });

  it('takes new namespaces as adapters without changes to the parser', () => {
    const upper: AccountNamespace = {
      namespace: 'test',
      normaliseReference: (reference) => reference,
      normaliseAddress: (address) => address.toUpperCase(),
    };
    const namespaces = new AccountNamespaces([upper]);
    expect(namespaces.parse('test:net:abc').id).toBe('test:net:ABC');
    expect(namespaces.names).toEqual(['test']);
  });
});

describe('parseForLookup', () => {
  const canonical = 'eip155:1:0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';

  it('takes a mixed-case address on trust, and says so', () => {
    expect(ACCOUNT_NAMESPACES.parseForLookup(canonical)).toMatchObject({ id: canonical, checked: false });
    // A wrong checksum is not caught here; parse (which the caller falls back to) refuses it.
    const wrong = 'eip155:1:0xFb6916095ca1df60bB79Ce92cE3Ea74c37c5d359';
    expect(ACCOUNT_NAMESPACES.parseForLookup(wrong)).toMatchObject({ id: wrong, checked: false });
    expect(() => ACCOUNT_NAMESPACES.parse(wrong)).toThrow(/checksum/);
  });

  it('normalises what carries no checksum, and refuses what is not an address', () => {
    expect(ACCOUNT_NAMESPACES.parseForLookup(canonical.toLowerCase())).toMatchObject({
      id: canonical,
      checked: true,
    });
    expect(() => ACCOUNT_NAMESPACES.parseForLookup('eip155:1:0x1234')).toThrow(/20-byte/);
    expect(() =>
      ACCOUNT_NAMESPACES.parseForLookup('eip155:01:0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'),
    ).toThrow();
  });
});
