// The secrets' text forms, as the environment passes them (Node) or Worker secrets do:
// parsing only, no node:*, so both runtimes share it.
import type { DataKeys } from '../crypto/dataProtector.js';
import { fromBase64Url } from '../domain/encoding.js';

export class SecretsError extends Error {
  override name = 'SecretsError';
}

/** Parses `id:base64url[,id:base64url...]`; the first key encrypts, all decrypt. */
export function parseDataEncryptionKeys(value: string): DataKeys['encryption'] {
  return value.split(',').map((entry, i) => {
    const [id, encoded] = entry.trim().split(':');
    if (!id || !encoded)
      throw new SecretsError(`DATA_ENCRYPTION_KEYS entry ${i + 1} must look like "id:base64url"`);
    let key: Uint8Array<ArrayBuffer>;
    try {
      key = fromBase64Url(encoded);
    } catch {
      throw new SecretsError(`DATA_ENCRYPTION_KEYS entry ${id} is not base64url`);
    }
    if (key.length !== 32) throw new SecretsError(`DATA_ENCRYPTION_KEYS entry ${id} must decode to 32 bytes`);
    return { id, key };
  });
}

export function parseLookupHashKey(value: string): Uint8Array<ArrayBuffer> {
  let key: Uint8Array<ArrayBuffer>;
  try {
    key = fromBase64Url(value);
  } catch {
    throw new SecretsError('LOOKUP_HASH_KEY is not base64url');
  }
  if (key.length !== 32) throw new SecretsError('LOOKUP_HASH_KEY must decode to 32 bytes');
  return key;
}
