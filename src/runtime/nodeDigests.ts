// The Node adapter of the digest port: synchronous node:crypto (see src/crypto/digests.ts).
import { createHash, createHmac } from 'node:crypto';
import type { Digests } from '../crypto/digests.js';

export const nodeDigests: Digests = {
  sha256Hex(text) {
    return Promise.resolve(createHash('sha256').update(text, 'utf8').digest('hex'));
  },
  hmacSha256Hex(key) {
    const secret = Buffer.from(key);
    return Promise.resolve((text: string) =>
      Promise.resolve(createHmac('sha256', secret).update(text, 'utf8').digest('hex')),
    );
  },
};
