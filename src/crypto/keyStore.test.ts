import { exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { type Hex, verifyTypedData } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, keyStoreFromMaterial, parseSigningKeySet, publicJwkOf } from './keyStore.js';

const now = new Date('2026-11-22T00:00:00Z');

describe('key store', () => {
  it.each(['ES256', 'EdDSA'] as const)(
    'signs %s JWTs whose kid names a published key without private parts',
    async (alg) => {
      const key = await generateSigningKey(alg, now);
      const store = keyStoreFromMaterial(() => ({
        signingKeys: [key],
        attesterPrivateKey: generatePrivateKey(),
      }));
      const [published] = await store.signingKeys();
      expect(published!.jwk).not.toHaveProperty('d');
      expect(published!.jwk).toMatchObject({ kid: key.kid, alg, use: 'sig' });
      const { token, kid } = await store.signJwt('wallet-attestation+jwt', { sub: 'x' });
      expect(kid).toBe(key.kid);
      const { protectedHeader } = await jwtVerify(token, await importJWK(published!.jwk, alg), {
        typ: 'wallet-attestation+jwt',
      });
      expect(protectedHeader).toEqual({ alg, typ: 'wallet-attestation+jwt', kid: key.kid });
    },
  );

  it('signs EIP-712 data as the attester', async () => {
    const material = { signingKeys: [], attesterPrivateKey: generatePrivateKey() };
    const store = keyStoreFromMaterial(() => material);
    const typedData = {
      domain: { name: 'x', version: '1', chainId: 1 },
      types: { T: [{ name: 'v', type: 'uint256' }] },
      primaryType: 'T' as const,
      message: { v: 1n },
    };
    const signature: Hex = await store.signTypedData(typedData);
    expect(await verifyTypedData({ ...typedData, address: await store.attesterAddress(), signature })).toBe(
      true,
    );
    await expect(store.signJwt('t', {})).rejects.toThrow(/no signing key/);
  });

  it('reads keys from ATTESTATION_SIGNING_KEYS and refuses unusable sets', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'prod-1', alg: 'ES256' };
    const [key] = parseSigningKeySet(JSON.stringify({ keys: [jwk] }), now);
    expect(key).toMatchObject({ kid: 'prod-1', alg: 'ES256' });
    expect(publicJwkOf(key!)).not.toHaveProperty('d');
    expect(() => parseSigningKeySet('nope', now)).toThrow(/not JSON/);
    expect(() => parseSigningKeySet('{"keys":[]}', now)).toThrow(/at least one key/);
    expect(() => parseSigningKeySet(JSON.stringify({ keys: [{ ...jwk, alg: 'HS256' }] }), now)).toThrow(
      /ES256 or EdDSA/,
    );
    const { d: _d, ...publicOnly } = jwk;
    expect(() => parseSigningKeySet(JSON.stringify({ keys: [publicOnly] }), now)).toThrow(/private part/);
  });
});
