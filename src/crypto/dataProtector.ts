// Envelope-free AES-256-GCM for personal data at rest, and HMAC-SHA256 keyed hashes for
// lookups. Ciphertexts carry the key ID so keys can rotate; the additional data binds each
// ciphertext to its purpose so one column's value cannot be replayed into another.
import { fromBase64Url, fromUtf8, randomBytes, toBase64Url, utf8 } from '../domain/encoding.js';
import { type Digests, webDigests } from './digests.js';

export interface DataKeys {
  /** Key ID → 32 raw bytes. The first entry encrypts; all decrypt. */
  encryption: { id: string; key: Uint8Array<ArrayBuffer> }[];
  /** 32 raw bytes for keyed hashes of national IDs. Rotating it means re-hashing every row. */
  lookup: Uint8Array<ArrayBuffer>;
}

export interface DataProtector {
  encrypt(plaintext: string, purpose: string): Promise<string>;
  decrypt(ciphertext: string, purpose: string): Promise<string>;
  keyedHash(value: string, purpose: string): Promise<string>;
}

const FORMAT = 'v1';

export async function createDataProtector(
  keys: DataKeys,
  digests: Digests = webDigests,
): Promise<DataProtector> {
  const first = keys.encryption[0];
  if (!first) throw new Error('At least one data encryption key is required');
  for (const { id, key } of keys.encryption) {
    if (key.length !== 32) throw new Error(`Data encryption key ${id} must be 32 bytes`);
    if (id.includes('.')) throw new Error(`Data encryption key ID ${id} must not contain "."`);
  }
  if (keys.lookup.length !== 32) throw new Error('The lookup key must be 32 bytes');

  const aesKeys = new Map<string, CryptoKey>();
  for (const { id, key } of keys.encryption) {
    aesKeys.set(id, await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']));
  }
  const lookupHmac = await digests.hmacSha256Hex(keys.lookup);

  return {
    async encrypt(plaintext, purpose) {
      const iv = randomBytes(12);
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: utf8(purpose) },
        aesKeys.get(first.id)!,
        utf8(plaintext),
      );
      return [FORMAT, first.id, toBase64Url(iv), toBase64Url(new Uint8Array(sealed))].join('.');
    },
    async decrypt(ciphertext, purpose) {
      const [format, keyId, iv, sealed] = ciphertext.split('.');
      const key = keyId === undefined ? undefined : aesKeys.get(keyId);
      if (format !== FORMAT || !key || !iv || sealed === undefined) {
        throw new Error('Ciphertext has an unknown format or key');
      }
      const opened = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: utf8(purpose) },
        key,
        fromBase64Url(sealed),
      );
      return fromUtf8(new Uint8Array(opened));
    },
    keyedHash(value, purpose) {
      return lookupHmac(`${purpose}\u0000${value}`);
    },
  };
}
