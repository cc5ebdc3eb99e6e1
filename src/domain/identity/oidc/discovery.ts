// OpenID Connect Discovery: the provider's metadata, fetched once and kept for an hour
// (endpoints rarely move; keys are handled separately in jwks.ts).
import type { Clock } from '../../clock.js';
import { fetchProviderJson, optionalHttpUrl, providerError, requiredHttpUrl } from './providerHttp.js';

export interface ProviderMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  /** OIDC Core §5.3; absent when the provider has none. */
  userinfoEndpoint?: string;
  /** RFC 9207 §3: the provider puts `iss` in every authorization response. */
  authorizationResponseIssParameterSupported: boolean;
}

const METADATA_TTL_MS = 60 * 60 * 1000;
const WHAT = 'discovery document';

export function discoveryUrl(issuer: string): string {
  // OIDC Discovery §4: a trailing slash of the issuer is dropped before appending the path.
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

export async function fetchProviderMetadata(
  fetchImpl: typeof fetch,
  issuer: string,
): Promise<ProviderMetadata> {
  const document = await fetchProviderJson(fetchImpl, discoveryUrl(issuer), WHAT);
  // OIDC Discovery §4.3: the issuer must match exactly, or tokens from another issuer
  // could be made to look like this one's.
  if (document.issuer !== issuer) {
    throw providerError('issuer-mismatch', 'The discovery document names a different issuer');
  }
  // An https issuer whose endpoints are plain http would undo what https buys.
  const httpsOnly = new URL(issuer).protocol === 'https:';
  const userinfoEndpoint = optionalHttpUrl(document, 'userinfo_endpoint', WHAT, httpsOnly);
  return {
    issuer,
    authorizationEndpoint: requiredHttpUrl(document, 'authorization_endpoint', WHAT, httpsOnly),
    tokenEndpoint: requiredHttpUrl(document, 'token_endpoint', WHAT, httpsOnly),
    jwksUri: requiredHttpUrl(document, 'jwks_uri', WHAT, httpsOnly),
    ...(userinfoEndpoint ? { userinfoEndpoint } : {}),
    authorizationResponseIssParameterSupported:
      document.authorization_response_iss_parameter_supported === true,
  };
}

/** Caches the metadata; a failed fetch is not cached, so the next request tries again. */
export function createMetadataCache(
  issuer: string,
  deps: { fetch: typeof fetch; clock: Clock },
): () => Promise<ProviderMetadata> {
  let cached: { metadata: Promise<ProviderMetadata>; fetchedAt: number } | undefined;
  return () => {
    const now = deps.clock.now().getTime();
    if (!cached || now - cached.fetchedAt > METADATA_TTL_MS) {
      const metadata = fetchProviderMetadata(deps.fetch, issuer);
      const entry = { metadata, fetchedAt: now };
      cached = entry;
      metadata.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.metadata;
  };
}
