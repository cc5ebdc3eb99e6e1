// The `oidc` identity source: OpenID Connect authorization code flow with PKCE, as a client
// of a national IdP (or of the built-in dev IdP). Web-standard APIs and the injected fetch
// only, so the same code runs on Node and Cloudflare Workers.
import type { Clock } from '../../clock.js';
import type { AssuranceLevel, VerifiedIdentityClaims } from '../identitySource.js';
import { nationalIdRuleFor, validateNationalId } from '../nationalId.js';
import type { ProviderMetadata } from './discovery.js';
import { createMetadataCache } from './discovery.js';
import { verifyIdToken } from './idToken.js';
import { createJwksCache } from './jwks.js';
import { randomToken, s256CodeChallenge } from './pkce.js';
import { fetchProviderJson, requiredString } from './providerHttp.js';
import { oidcRefusal } from './refusals.js';
import { claimsWithUserinfo } from './userinfo.js';

export interface OidcSourceSettings {
  /** What to report as VerifiedIdentityClaims.source. */
  source: 'oidc' | 'dev';
  /** The exact issuer URL; discovery is at issuer + '/.well-known/openid-configuration'. */
  issuer: string;
  clientId: string;
  /** When set, the client authenticates at the token endpoint with client_secret_basic. */
  clientSecret?: string;
  redirectUri: string;
  /** Must include 'openid'. */
  scopes: string[];
  /** Names of the claims (in the ID token, or else from UserInfo) that carry each value. */
  claims: { nationalId: string; givenName: string; familyName: string; birthDate: string };
  /**
   * Empty: any acr is accepted; otherwise the ID token's acr must be one of these, and they
   * are requested as `acr_values` (in this order of preference).
   */
  acceptedAcr: string[];
  /**
   * Send a `claims` request parameter (OIDC Core §5.5) asking for the claims above in the
   * ID token and from UserInfo, the national ID as essential (and the acr, when acceptedAcr
   * is set). Off by default: a provider that does not support it may refuse the request.
   */
  claimsParameter?: boolean;
  /** acr value -> assurance level; an acr not listed gets defaultLevel. */
  acrLevels: Record<string, AssuranceLevel>;
  defaultLevel: AssuranceLevel;
  /** The country whose national ID rule applies. */
  country: string;
}

export interface OidcAuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcClient {
  /** `uiLocales`: the languages the person reads, best first (OIDC Core §3.1.2.1 ui_locales). */
  startAuthorization(p: {
    loginHint?: string;
    uiLocales?: readonly string[];
  }): Promise<OidcAuthorizationRequest>;
  /** `state` has already been matched by the caller against the one it stored. */
  completeAuthorization(p: {
    code: string;
    state: string;
    nonce: string;
    codeVerifier: string;
    /** The authorization response's `iss` parameter (RFC 9207), when it has one. */
    responseIssuer?: string;
  }): Promise<VerifiedIdentityClaims>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function basicCredentials(clientId: string, clientSecret: string): string {
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${btoa(`${encode(clientId)}:${encode(clientSecret)}`)}`;
}

function optionalString(payload: Record<string, unknown>, claim: string): string | undefined {
  const value = payload[claim];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function identityFrom(
  payload: Record<string, unknown>,
  settings: OidcSourceSettings,
): VerifiedIdentityClaims {
  const rawNationalId = optionalString(payload, settings.claims.nationalId);
  if (rawNationalId === undefined) throw oidcRefusal('missing-national-id');
  const nationalId = validateNationalId(settings.country, rawNationalId);
  const claimedBirthDate = optionalString(payload, settings.claims.birthDate);
  const birthDate =
    claimedBirthDate && ISO_DATE.test(claimedBirthDate)
      ? claimedBirthDate
      : nationalIdRuleFor(settings.country).birthDate?.(nationalId);
  const givenName = optionalString(payload, settings.claims.givenName);
  const familyName = optionalString(payload, settings.claims.familyName);
  const acr = optionalString(payload, 'acr');
  return {
    source: settings.source,
    country: settings.country.toUpperCase(),
    nationalId,
    ...(givenName ? { givenName } : {}),
    ...(familyName ? { familyName } : {}),
    ...(birthDate ? { birthDate } : {}),
    level: (acr !== undefined ? settings.acrLevels[acr] : undefined) ?? settings.defaultLevel,
  };
}

/** The `claims` request parameter (OIDC Core §5.5) for the configured claims. */
function claimsRequest(settings: OidcSourceSettings): string {
  const { nationalId, givenName, familyName, birthDate } = settings.claims;
  const profile = {
    [nationalId]: { essential: true },
    [givenName]: null,
    [familyName]: null,
    [birthDate]: null,
  };
  const acr =
    settings.acceptedAcr.length > 0 ? { acr: { essential: true, values: settings.acceptedAcr } } : {};
  return JSON.stringify({ id_token: { ...profile, ...acr }, userinfo: profile });
}

/**
 * RFC 9207 §2.4: the mix-up defence. A provider that advertises the `iss` response
 * parameter must send it; an `iss` naming another issuer is refused whether advertised or not.
 */
function checkResponseIssuer(responseIssuer: string | undefined, metadata: ProviderMetadata): void {
  if (responseIssuer === undefined) {
    if (metadata.authorizationResponseIssParameterSupported) throw oidcRefusal('response-issuer-missing');
    return;
  }
  if (responseIssuer !== metadata.issuer) throw oidcRefusal('response-issuer-mismatch');
}

interface TokenResponse {
  idToken: string;
  /** Only a Bearer token (RFC 6750), the only kind this client can present to UserInfo. */
  accessToken?: string;
}

export function createOidcClient(
  settings: OidcSourceSettings,
  deps: { fetch: typeof fetch; clock: Clock },
): OidcClient {
  if (!settings.scopes.includes('openid')) throw new TypeError('OIDC scopes must include "openid"');
  const metadata = createMetadataCache(settings.issuer, deps);
  const keys = createJwksCache({ ...deps, jwksUri: async () => (await metadata()).jwksUri });

  async function redeemCode(code: string, codeVerifier: string): Promise<TokenResponse> {
    const { tokenEndpoint } = await metadata();
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (settings.clientSecret) {
      headers.authorization = basicCredentials(settings.clientId, settings.clientSecret);
    }
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: settings.redirectUri,
      client_id: settings.clientId,
      code_verifier: codeVerifier,
    });
    const response = await fetchProviderJson(deps.fetch, tokenEndpoint, 'token endpoint', {
      method: 'POST',
      headers,
      body,
    });
    const idToken = requiredString(response, 'id_token', 'token response');
    const { access_token: accessToken, token_type: tokenType } = response;
    const bearer =
      typeof accessToken === 'string' &&
      accessToken !== '' &&
      typeof tokenType === 'string' &&
      tokenType.toLowerCase() === 'bearer'; // RFC 6749 §7.1: case-insensitive
    return { idToken, ...(bearer ? { accessToken } : {}) };
  }

  return {
    async startAuthorization({ loginHint, uiLocales }) {
      const { authorizationEndpoint } = await metadata();
      const state = randomToken();
      const nonce = randomToken();
      const codeVerifier = randomToken();
      const url = new URL(authorizationEndpoint);
      const parameters: Record<string, string> = {
        response_type: 'code',
        client_id: settings.clientId,
        redirect_uri: settings.redirectUri,
        scope: settings.scopes.join(' '),
        state,
        nonce,
        code_challenge: await s256CodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        ...(loginHint ? { login_hint: loginHint } : {}),
        ...(uiLocales && uiLocales.length > 0 ? { ui_locales: uiLocales.join(' ') } : {}),
        ...(settings.acceptedAcr.length > 0 ? { acr_values: settings.acceptedAcr.join(' ') } : {}),
        ...(settings.claimsParameter ? { claims: claimsRequest(settings) } : {}),
      };
      for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
      return { url: url.toString(), state, nonce, codeVerifier };
    },

    async completeAuthorization({ code, nonce, codeVerifier, responseIssuer }) {
      const provider = await metadata();
      // Before the code goes anywhere: it may have been issued by another provider.
      checkResponseIssuer(responseIssuer, provider);
      const tokens = await redeemCode(code, codeVerifier);
      const idToken = await verifyIdToken(tokens.idToken, keys, {
        issuer: settings.issuer,
        clientId: settings.clientId,
        nonce,
        acceptedAcr: settings.acceptedAcr,
        clock: deps.clock,
      });
      const claims = await claimsWithUserinfo({
        fetch: deps.fetch,
        userinfoEndpoint: provider.userinfoEndpoint,
        accessToken: tokens.accessToken,
        idToken,
        wanted: Object.values(settings.claims),
      });
      return identityFrom(claims, settings);
    },
  };
}
