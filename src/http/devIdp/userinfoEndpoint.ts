// GET or POST /userinfo (OIDC Core §5.3): the signed-in person's claims for the bearer of
// an access token from the token endpoint. Errors follow RFC 6750 §3.
import type { AccessGrant, TokenStore } from './codeStore.js';
import { subjectOf } from './tokenEndpoint.js';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

function bearerError(status: 400 | 401, error?: string, description?: string): Response {
  // Without credentials the challenge names only the scheme (RFC 6750 §3.1).
  const challenge = error
    ? `Bearer realm="dev-idp", error="${error}", error_description="${description}"`
    : 'Bearer realm="dev-idp"';
  return new Response(null, { status, headers: { ...NO_STORE, 'www-authenticate': challenge } });
}

/** The access token from the Authorization header or (RFC 6750 §2.2) a form-encoded POST body. */
async function presentedToken(request: Request): Promise<string | undefined | null> {
  const authorization = request.headers.get('authorization');
  let fromBody: string | undefined;
  if (
    request.method === 'POST' &&
    request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')
  ) {
    fromBody = new URLSearchParams(await request.text()).get('access_token') ?? undefined;
  }
  if (authorization !== null) {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization);
    // Two ways at once is an invalid request (RFC 6750 §2).
    return match && fromBody === undefined ? match[1] : null;
  }
  return fromBody;
}

export async function handleUserinfoRequest(
  request: Request,
  accessTokens: TokenStore<AccessGrant>,
): Promise<Response> {
  const token = await presentedToken(request);
  if (token === null) return bearerError(400, 'invalid_request', 'Malformed or repeated access token');
  if (token === undefined) return bearerError(401);
  const grant = await accessTokens.find(token);
  if (!grant) return bearerError(401, 'invalid_token', 'The access token is unknown or expired');
  const { person } = grant;
  // The profile scope releases the names and birth date (§5.4); the national ID, this
  // IdP's own claim, comes with openid.
  const profile = grant.scope.split(' ').includes('profile')
    ? { given_name: person.givenName, family_name: person.familyName, birthdate: person.birthDate }
    : {};
  return Response.json(
    { sub: await subjectOf(person), national_id: person.nationalId, ...profile },
    { headers: NO_STORE },
  );
}
