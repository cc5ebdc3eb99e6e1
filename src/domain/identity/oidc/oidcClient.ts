// The `oidc` identity source: OpenID Connect authorization code flow with PKCE, as a client
// of a national IdP (or of the built-in dev IdP). Web-standard APIs and the injected fetch
// only, so the same code runs on Node and Cloudflare Workers.
import type { JWTPayload } from 'jose';
import type { Clock } from '../../clock.js';
import type { AssuranceLevel, VerifiedIdentityClaims } from '../identitySource.js';
import { nationalIdRuleFor, validateNationalId } from '../nationalId.js';
import { createMetadataCache } from './discovery.js';
import { idTokenRefusal, verifyIdToken } from './idToken.js';
import { createJwksCache } from './jwks.js';
import { randomToken, s256CodeChallenge } from './pkce.js';
import { fetchProviderJson, requiredString } from './providerHttp.js';

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
  /** Names of the ID token claims that carry each value. */
  claims: { nationalId: string; givenName: string; familyName: string; birthDate: string };
  /** Empty: any acr is accepted; otherwise the ID token's acr must be one of these. */
  acceptedAcr: string[];
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
  startAuthorization(p: { loginHint?: string }): Promise<OidcAuthorizationRequest>;
  /** `state` has already been matched by the caller against the one it stored. */
  completeAuthorization(p: {
    code: string;
    state: string;
    nonce: string;
    codeVerifier: string;
  }): Promise<VerifiedIdentityClaims>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function basicCredentials(clientId: string, clientSecret: string): string {
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${btoa(`${encode(clientId)}:${encode(clientSecret)}`)}`;
}

function optionalString(payload: JWTPayload, claim: string): string | undefined {
  const value = payload[claim];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function identityFrom(payload: JWTPayload, settings: OidcSourceSettings): VerifiedIdentityClaims {
  const rawNationalId = optionalString(payload, settings.claims.nationalId);
  if (rawNationalId === undefined) throw idTokenRefusal('missing-national-id');
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

export function createOidcClient(
  settings: OidcSourceSettings,
  deps: { fetch: typeof fetch; clock: Clock },
): OidcClient {
  if (!settings.scopes.includes('openid')) throw new TypeError('OIDC scopes must include "openid"');
  const metadata = createMetadataCache(settings.issuer, deps);
  const keys = createJwksCache({ ...deps, jwksUri: async () => (await metadata()).jwksUri });

  async function redeemCode(code: string, codeVerifier: string): Promise<string> {
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
    return requiredString(response, 'id_token', 'token response');
  }

  return {
    async startAuthorization({ loginHint }) {
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
      };
      for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
      return { url: url.toString(), state, nonce, codeVerifier };
    },

    async completeAuthorization({ code, nonce, codeVerifier }) {
      const idToken = await redeemCode(code, codeVerifier);
      const payload = await verifyIdToken(idToken, keys, {
        issuer: settings.issuer,
        clientId: settings.clientId,
        nonce,
        acceptedAcr: settings.acceptedAcr,
        clock: deps.clock,
      });
      return identityFrom(payload, settings);
    },
  };
}
