// Webhook signatures: HMAC-SHA256 over `<unix timestamp>.<raw body>` with the webhook's
// secret, sent as `Wallet-Attest-Signature: t=<timestamp>,v1=<hex>`. Receivers recompute
// it, compare in constant time, and refuse timestamps older than a few minutes (replay).

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
