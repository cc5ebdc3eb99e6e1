// POST /token: redeems an authorization code for an ID token (RFC 6749 §4.1.3, RFC 7636 §4.6).
import { SignJWT } from 'jose';
import type { Clock } from '../../domain/clock.js';
import { sha256, sha256Hex, toBase64Url } from '../../domain/encoding.js';
import type { DevIdpClient } from './authorizeRequest.js';
import {
  ACCESS_TOKEN_LIFETIME_MS,
  type AccessGrant,
  type CodeGrant,
  type CodeStore,
  type TokenStore,
} from './codeStore.js';
import type { DevIdpKeys } from './signingKey.js';
import type { TestPerson } from './testPersons.js';

export const ID_TOKEN_LIFETIME_SECONDS = 300;
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
// OAuth responses carrying tokens must not be cached (RFC 6749 §5.1).
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export interface TokenEndpointContext {
  issuer: string;
  clients: DevIdpClient[];
  codes: CodeStore;
  clock: Clock;
  accessTokens: TokenStore<AccessGrant>;
  acr: string;
  keys: DevIdpKeys;
}

function oauthError(error: string, description: string): Response {
  return Response.json({ error, error_description: description }, { status: 400, headers: NO_STORE });
}

/**
 * RFC 6749 §5.2: a client that fails to authenticate gets 401 and the scheme it may use
 * (required when it tried the Authorization header; sent always, which is allowed).
 */
function invalidClient(description: string): Response {
  return Response.json(
    { error: 'invalid_client', error_description: description },
    { status: 401, headers: { ...NO_STORE, 'www-authenticate': 'Basic realm="dev-idp", charset="UTF-8"' } },
  );
}

/** Stable per person but opaque, as a real IdP's subject identifier would be. */
export async function subjectOf(person: TestPerson): Promise<string> {
  return (await sha256Hex(`dev-idp subject:${person.nationalId}`)).slice(0, 32);
}

/**
 * The client_id of HTTP Basic credentials (client_secret_basic). Dev clients have no secret,
 * so the password part is not checked: the point is to let a client exercise that code path.
 */
function basicClientId(authorization: string | null): string | undefined | null {
  if (!authorization?.startsWith('Basic ')) return undefined;
  try {
    const decoded = atob(authorization.slice('Basic '.length));
    const separator = decoded.indexOf(':');
    if (separator < 0) return null;
    return decodeURIComponent(decoded.slice(0, separator).replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

async function mintIdToken(
  grant: CodeGrant,
  client: DevIdpClient,
  ctx: TokenEndpointContext,
): Promise<string> {
  const now = Math.floor(ctx.clock.now().getTime() / 1000);
  const { person } = grant;
  const alg = client.idTokenSignedResponseAlg ?? 'RS256';
  const { privateKey, kid } = await ctx.keys.signer(alg);
  return new SignJWT({
    ...(grant.nonce ? { nonce: grant.nonce } : {}),
    acr: ctx.acr,
    auth_time: grant.authTime,
    national_id: person.nationalId,
    given_name: person.givenName,
    family_name: person.familyName,
    birthdate: person.birthDate,
  })
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setIssuer(ctx.issuer)
    .setSubject(await subjectOf(person))
    .setAudience(grant.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + ID_TOKEN_LIFETIME_SECONDS)
    .sign(privateKey);
}

export async function handleTokenRequest(request: Request, ctx: TokenEndpointContext): Promise<Response> {
  if (!request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')) {
    return oauthError('invalid_request', 'The body must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(await request.text());
  if (form.get('grant_type') !== 'authorization_code') {
    return oauthError('unsupported_grant_type', 'Only grant_type=authorization_code is supported');
  }
  const fromHeader = basicClientId(request.headers.get('authorization'));
  if (fromHeader === null) return invalidClient('Malformed Basic credentials');
  const fromBody = form.get('client_id') ?? undefined;
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
    return oauthError('invalid_request', 'client_id differs between the credentials and the body');
  }
  const clientId = fromHeader ?? fromBody;
  const client = ctx.clients.find((candidate) => candidate.clientId === clientId);
  if (!client) return invalidClient('Unknown client');
  const code = form.get('code');
  if (!code) return oauthError('invalid_request', 'code is required');
  const grant = await ctx.codes.redeem(code);
  if (!grant) return oauthError('invalid_grant', 'The code is unknown, expired or already used');
  if (grant.clientId !== clientId)
    return oauthError('invalid_grant', 'The code was issued to another client');
  if (form.get('redirect_uri') !== grant.redirectUri) {
    return oauthError('invalid_grant', 'redirect_uri differs from the authorization request');
  }
  const verifier = form.get('code_verifier') ?? '';
  if (!CODE_VERIFIER.test(verifier) || toBase64Url(await sha256(verifier)) !== grant.codeChallenge) {
    return oauthError('invalid_grant', 'code_verifier does not match the code_challenge');
  }
  const accessToken = await ctx.accessTokens.issue({
    clientId: grant.clientId,
    scope: grant.scope,
    person: grant.person,
  });
  return Response.json(
    {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_MS / 1000,
      scope: grant.scope,
      id_token: await mintIdToken(grant, client, ctx),
    },
    { headers: NO_STORE },
  );
}
