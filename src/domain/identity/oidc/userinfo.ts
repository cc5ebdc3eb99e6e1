// UserInfo (OIDC Core §5.3): a provider in its default configuration releases profile
// claims here rather than in the ID token of the code flow (§5.4). The ID token's claims
// take precedence: it is the signed statement bound to this sign-in's nonce, so UserInfo
// only fills in the configured claims the ID token left out.
import type { JWTPayload } from 'jose';
import { fetchProviderJson } from './providerHttp.js';
import { oidcRefusal } from './refusals.js';

export interface UserinfoParameters {
  fetch: typeof fetch;
  /** From discovery; without it there is nothing to ask. */
  userinfoEndpoint: string | undefined;
  /** A Bearer access token from the token response; without it there is nothing to ask with. */
  accessToken: string | undefined;
  /** The verified ID token's payload. */
  idToken: JWTPayload;
  /** The claim names the source reads (national ID, names, birth date). */
  wanted: readonly string[];
}

function hasValue(claims: Record<string, unknown>, name: string): boolean {
  const value = claims[name];
  return value !== undefined && value !== null && value !== '';
}

/** The ID token's claims, completed from UserInfo when it lacks a wanted one and UserInfo can be asked. */
export async function claimsWithUserinfo(p: UserinfoParameters): Promise<Record<string, unknown>> {
  const missing = p.wanted.filter((name) => !hasValue(p.idToken, name));
  if (missing.length === 0 || !p.userinfoEndpoint || !p.accessToken) return p.idToken;
  const userinfo = await fetchProviderJson(p.fetch, p.userinfoEndpoint, 'UserInfo endpoint', {
    headers: { authorization: `Bearer ${p.accessToken}`, accept: 'application/json' },
  });
  // §5.3.4: the sub in the UserInfo response MUST be verified to exactly match the ID token's,
  // or the response (a token substitution) is not about this citizen.
  if (userinfo.sub !== p.idToken.sub) throw oidcRefusal('userinfo-subject-mismatch');
  const merged: Record<string, unknown> = { ...p.idToken };
  for (const name of missing) if (hasValue(userinfo, name)) merged[name] = userinfo[name];
  return merged;
}
