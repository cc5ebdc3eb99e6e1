// The dev IdP's ES256 key pair. The runtime generates it once and keeps it with the other
// development secrets, so ID tokens stay verifiable across restarts.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export const DEV_IDP_ALGORITHM = 'ES256';

export async function generateDevIdpSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(DEV_IDP_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: DEV_IDP_ALGORITHM, use: 'sig' };
}

/** The public half only: built from the public members, so no private one (`d`) can slip through. */
export function publicJwkOf(signingKey: JWK): JWK {
  const { kty, crv, x, y, kid } = signingKey;
  return { kty, crv, x, y, kid, alg: DEV_IDP_ALGORITHM, use: 'sig' };
}

export async function importSigningKey(signingKey: JWK): Promise<CryptoKey> {
  if (signingKey.kty !== 'EC' || signingKey.crv !== 'P-256' || !signingKey.d || !signingKey.kid) {
    throw new TypeError('The dev IdP signing key must be a private P-256 JWK with a kid');
  }
  return (await importJWK(signingKey, DEV_IDP_ALGORITHM)) as CryptoKey;
}
