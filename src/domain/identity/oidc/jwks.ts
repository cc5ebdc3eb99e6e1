// The IdP's signing keys, fetched with the injected fetch (so it works on Workers and in
// tests) and kept in memory. An unknown `kid` usually means the IdP has just rotated its
// keys, so it makes the set be fetched again at once. Such forced fetches are limited to
// one a minute, so tokens with made-up kids cannot make us hammer the IdP; the first one
// after a quiet minute is never delayed, whenever the set was fetched last.
import {
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';
import type { Clock } from '../../clock.js';
import { fetchProviderJson, providerError } from './providerHttp.js';

/** At most one fetch forced by an unknown kid in this interval. */
export const FORCED_REFETCH_INTERVAL_MS = 60_000;

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
  let keySet: KeyResolver | undefined;
  let lastForcedFetchAt: number | undefined;
  let refreshing: Promise<KeyResolver> | undefined;

  const refresh = (): Promise<KeyResolver> => {
    refreshing ??= (async () => {
      keySet = await loadKeySet(deps.fetch, await deps.jwksUri());
      return keySet;
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  const mayForceFetch = (): boolean => {
    const now = deps.clock.now().getTime();
    if (lastForcedFetchAt !== undefined && now - lastForcedFetchAt < FORCED_REFETCH_INTERVAL_MS) return false;
    lastForcedFetchAt = now;
    return true;
  };

  return async (header, token) => {
    const current = keySet;
    const resolve = current ?? (await refresh());
    try {
      return await resolve(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || current === undefined) throw error;
      // A set fetched meanwhile, or a fetch under way (for a concurrent sign-in), is used
      // rather than fetching once more.
      if (keySet && keySet !== current) return keySet(header, token);
      if (refreshing) return (await refreshing)(header, token);
      if (!mayForceFetch()) throw error;
      return (await refresh())(header, token);
    }
  };
}
