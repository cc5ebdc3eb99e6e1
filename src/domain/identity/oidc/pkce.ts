// Random values and PKCE (RFC 7636) over Web Crypto.
import { randomBytes, sha256, toBase64Url } from '../../encoding.js';

/** 256 random bits, base64url: 43 characters, also a valid PKCE code_verifier. */
export function randomToken(): string {
  return toBase64Url(randomBytes(32));
}

export async function s256CodeChallenge(codeVerifier: string): Promise<string> {
  return toBase64Url(await sha256(codeVerifier));
}
