// Opaque bearer values (session tokens, challenges, flow IDs): 256 random bits, and the
// SHA-256 digest that is all the database ever sees of them.
import { randomBytes, toBase64Url } from '../domain/encoding.js';
import { type Digests, webDigests } from './digests.js';

export function newToken(bytes = 32): string {
  return toBase64Url(randomBytes(bytes));
}

/** A fast unkeyed hash is enough here: the input has 256 bits of entropy. */
export function hashToken(token: string, digests: Digests = webDigests): Promise<string> {
  return digests.sha256Hex(token);
}

export function newId(): string {
  return crypto.randomUUID();
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds, then random bits. For rows written in
 * bulk and in time order (the query log): a B-tree takes them at its right edge instead
 * of at a random page, which made 1,000-row flushes ~40 % cheaper.
 */
export function newTimeOrderedId(now = Date.now()): string {
  const bytes = randomBytes(16);
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
