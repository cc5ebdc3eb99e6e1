// The IdP's signing keys, fetched with the injected fetch (so it works on Workers and in
// tests) and kept in memory. An unknown `kid` usually means the IdP rotated its keys, so
// the set is fetched again — but at most once a minute, so tokens with made-up kids
// cannot make us hammer the IdP.
import {
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';
import type { Clock } from '../../clock.js';
import { fetchProviderJson, providerError } from './providerHttp.js';

const REFETCH_INTERVAL_MS = 60_000;

type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

async function loadKeySet(fetchImpl: typeof fetch, jwksUri: string): Promise<KeyResolver> {
  const document = await fetchProviderJson(fetchImpl, jwksUri, 'JWKS');
  if (!Array.isArray(document.keys))
    throw providerError('missing-field', 'The identity provider\'s JWKS has no "keys"');
  try {
    return createLocalJWKSet(document as unknown as JSONWebKeySet);
  } catch {
    throw providerError('bad-response', "The identity provider's JWKS is malformed");
  }
}

/** A key resolver for jose's jwtVerify, backed by the cached, occasionally refreshed JWKS. */
export function createJwksCache(deps: {
  fetch: typeof fetch;
  clock: Clock;
  jwksUri: () => Promise<string>;
}): KeyResolver {
  let keySet: { resolve: KeyResolver; fetchedAt: number } | undefined;
  let refreshing: Promise<KeyResolver> | undefined;

  const refresh = (): Promise<KeyResolver> => {
    refreshing ??= (async () => {
      const resolve = await loadKeySet(deps.fetch, await deps.jwksUri());
      keySet = { resolve, fetchedAt: deps.clock.now().getTime() };
      return resolve;
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  return async (header, token) => {
    const current = keySet;
    const resolve = current ? current.resolve : await refresh();
    try {
      return await resolve(header, token);
    } catch (error) {
      const mayRefetch =
        current !== undefined && deps.clock.now().getTime() - current.fetchedAt >= REFETCH_INTERVAL_MS;
      if (!(error instanceof errors.JWKSNoMatchingKey) || !mayRefetch) throw error;
      return (await refresh())(header, token);
    }
  };
}
