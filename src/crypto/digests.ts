// SHA-256 and HMAC-SHA256 behind a port. Web Crypto serves every runtime, but on Node
// each `crypto.subtle` call is asynchronous and costs 13–47 µs where the synchronous
// `node:crypto` costs 1–2 µs — on the exchange hot path (API key hash, holder pseudonyms)
// that is most of a lookup. The Node runtime therefore passes its own adapter
// (src/runtime/nodeDigests.ts); Workers keep this one.
import { toHex, utf8 } from '../domain/encoding.js';

export interface Digests {
  /** Hex SHA-256 of the UTF-8 bytes of `text`. */
  sha256Hex(text: string): Promise<string>;
  /** A keyed function: hex HMAC-SHA256 of the UTF-8 bytes of `text` under `key`. */
  hmacSha256Hex(key: Uint8Array<ArrayBuffer>): Promise<(text: string) => Promise<string>>;
}

export const webDigests: Digests = {
  async sha256Hex(text) {
    return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text))));
  },
  async hmacSha256Hex(key) {
    const hmacKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    return async (text) => toHex(new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, utf8(text))));
  },
};
