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
