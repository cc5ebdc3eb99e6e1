// Webhook signatures: HMAC-SHA256 over `<unix timestamp>.<raw body>` with the webhook's
// secret, sent as `Wallet-Attest-Signature: t=<timestamp>,v1=<hex>`. Receivers recompute
// it, compare in constant time, and refuse timestamps older than a few minutes (replay).
import { constantTimeEqual } from './apiKeys.js';

export const SIGNATURE_HEADER = 'wallet-attest-signature';

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  return `t=${timestamp},v1=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

/** Checks a signature header as a receiver would. */
export async function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): Promise<boolean> {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  return constantTimeEqual(match[2]!, await hmacHex(secret, `${timestamp}.${body}`));
}
