// Outbound requests to exchange-supplied URLs (webhooks) in production: refuse any host
// that resolves to a loopback, private, link-local or otherwise internal address, so a
// webhook URL cannot be used to reach the service's own network (SSRF). The address is
// checked just before each request; DNS rebinding between the check and the connection
// remains possible and is documented.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

const INTERNAL_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 (carrier-grade NAT)
  [0x7f000000, 8], // 127/8
  [0xa9fe0000, 16], // 169.254/16 (link-local, cloud metadata)
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0xe0000000, 3], // multicast and reserved
];

export function isInternalAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const value = address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
    return INTERNAL_V4.some(
      ([base, bits]) => Math.floor(value / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)),
    );
  }
  const v6 = address.toLowerCase();
  if (v6.startsWith('::ffff:')) return isInternalAddress(v6.slice('::ffff:'.length));
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith('ff');
}

export function guardedFetch(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
    const internal = addresses.find(({ address }) => isInternalAddress(address));
    if (internal)
      throw new Error(`refused: ${url.hostname} resolves to the internal address ${internal.address}`);
    return inner(input, init);
  };
}
