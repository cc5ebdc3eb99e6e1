// Exchange API keys: `wa_<prefix>_<secret>`. The prefix (8 base32 characters) names the
// key in listings and logs and finds its record; the secret is 32 random bytes (256 bits).
// Only a SHA-256 of the whole key is stored.
import { randomBytes, toBase64Url } from '../encoding.js';

export const API_SCOPES = [
  'attestations:read',
  'identity:match',
  'webhooks:manage',
  // For regulators' system integrations, not for exchanges.
  'regulator:read',
  'regulator:act',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const KEY_FORMAT = /^wa_([a-z2-7]{8})_([A-Za-z0-9_-]{43})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

export function newApiKey(): { key: string; prefix: string } {
  const prefix = Array.from(randomBytes(8), (byte) => BASE32[byte & 31]).join('');
  return { key: `wa_${prefix}_${toBase64Url(randomBytes(32))}`, prefix };
}

/** The prefix of a well-formed key, or undefined for anything else. */
export function apiKeyPrefix(key: string): string | undefined {
  return KEY_FORMAT.exec(key)?.[1];
}

/** Compares two equal-purpose strings in time independent of where they differ. */
/** The credential of an `Authorization: Bearer <token>` header, if it is one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer ([^\s]+)$/.exec(authorization ?? '')?.[1];
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}
