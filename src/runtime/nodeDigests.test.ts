import { describe, expect, it } from 'vitest';
import { type Digests, webDigests } from '../crypto/digests.js';
import { utf8 } from '../domain/encoding.js';
import { nodeDigests } from './nodeDigests.js';

// Known answers: FIPS 180-2 "abc" and RFC 4231 test case 2; both adapters must agree on
// arbitrary text too, since stored hashes are compared across runtimes.
const adapters: [string, Digests][] = [
  ['web', webDigests],
  ['node', nodeDigests],
];

describe.each(adapters)('%s digests', (_name, digests) => {
  it('computes SHA-256', async () => {
    expect(await digests.sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('computes HMAC-SHA256', async () => {
    const hmac = await digests.hmacSha256Hex(utf8('Jefe'));
    expect(await hmac('what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('agrees with the other adapter on non-ASCII text', async () => {
    const text = 'Қазақстан\u0000IIN:900101300007';
    expect(await digests.sha256Hex(text)).toBe(await webDigests.sha256Hex(text));
    const key = utf8('k'.repeat(32));
    expect(await (await digests.hmacSha256Hex(key))(text)).toBe(
      await (await webDigests.hmacSha256Hex(key))(text),
    );
  });
});
