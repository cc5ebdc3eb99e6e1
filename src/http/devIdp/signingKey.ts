// The dev IdP's signing keys. The ES256 key pair is generated once by the runtime and kept
// with the other development secrets, so its ID tokens stay verifiable across restarts.
// The RS256 key exists because OpenID Connect Discovery §3 requires every provider to
// support RS256 (the default `id_token_signed_response_alg` of a client). Unless one is
// given, it is generated in memory when a client first needs an RS256 token (generating
// RSA costs a few hundred milliseconds, which a service whose clients all use ES256 should
// not pay at every start), and published from then on; a relying party that cached the
// JWKS before refetches it for the new kid, as after a rotation.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export type DevIdpAlgorithm = 'RS256' | 'ES256';
/** RS256 first: the algorithm a client gets when it registered none. */
export const DEV_IDP_ALGORITHMS: readonly DevIdpAlgorithm[] = ['RS256', 'ES256'];

async function withThumbprintKid(jwk: JWK, alg: DevIdpAlgorithm): Promise<JWK> {
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg, use: 'sig' };
}

export async function generateDevIdpSigningKey(alg: DevIdpAlgorithm = 'ES256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  return withThumbprintKid(await exportJWK(privateKey), alg);
}

/** The public half only: built from the public members, so no private one (`d`, primes) can slip through. */
export function publicJwkOf(signingKey: JWK): JWK {
  const { kty, kid, alg } = signingKey;
  if (kty === 'RSA') return { kty, n: signingKey.n, e: signingKey.e, kid, alg, use: 'sig' };
  return { kty, crv: signingKey.crv, x: signingKey.x, y: signingKey.y, kid, alg, use: 'sig' };
}

function checkSigningKey(signingKey: JWK, alg: DevIdpAlgorithm): void {
  const shapeOk =
    alg === 'ES256' ? signingKey.kty === 'EC' && signingKey.crv === 'P-256' : signingKey.kty === 'RSA';
  if (!shapeOk || !signingKey.d || !signingKey.kid) {
    throw new TypeError(
      `The dev IdP ${alg} signing key must be a private ${alg === 'ES256' ? 'P-256' : 'RSA'} JWK with a kid`,
    );
  }
}

export interface DevIdpKeys {
  /** The private key and kid that sign with `alg`. */
  signer(alg: DevIdpAlgorithm): Promise<{ privateKey: CryptoKey; kid: string }>;
  /** The public keys that exist so far, for the JWKS endpoint. */
  publicJwks(): Promise<JWK[]>;
}

export function createDevIdpKeys(keys: { es256: JWK; rs256?: JWK }): DevIdpKeys {
  checkSigningKey(keys.es256, 'ES256');
  if (keys.rs256) checkSigningKey(keys.rs256, 'RS256');
  let rs256: Promise<JWK> | undefined;
  const jwkFor = (alg: DevIdpAlgorithm): Promise<JWK> => {
    if (alg === 'ES256') return Promise.resolve(keys.es256);
    rs256 ??= keys.rs256 ? Promise.resolve(keys.rs256) : generateDevIdpSigningKey('RS256');
    return rs256;
  };
  const imported = new Map<DevIdpAlgorithm, Promise<CryptoKey>>();
  return {
    async signer(alg) {
      const jwk = await jwkFor(alg);
      if (!imported.has(alg)) imported.set(alg, importJWK(jwk, alg) as Promise<CryptoKey>);
      return { privateKey: await imported.get(alg)!, kid: jwk.kid! };
    },
    async publicJwks() {
      const existing = [keys.es256, ...(keys.rs256 ? [keys.rs256] : rs256 ? [await rs256] : [])];
      return existing.map(publicJwkOf);
    },
  };
}
