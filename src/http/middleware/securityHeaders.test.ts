import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './securityHeaders.js';

// The precomputed headers must stay what hono's secure-headers middleware sends for the
// policy the service configures, so precomputing them weakened nothing. `connect-src` is
// spelled out (it is what `default-src 'self'` implies) so an NCALayer origin can be added.
function reference(https: boolean, connectTo: string[] = []) {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      connectSrc: ["'self'", ...connectTo],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
    strictTransportSecurity: https ? 'max-age=31536000; includeSubDomains' : false,
    referrerPolicy: 'no-referrer',
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  });
}

async function headersOf(middleware: MiddlewareHandler, raw: boolean) {
  const app = new Hono();
  app.use(middleware);
  app.get('/', (c) => (raw ? new Response('built by hand') : c.json({ ok: true })));
  const response = await app.request('/');
  const headers = Object.fromEntries(response.headers);
  delete headers['content-type'];
  return headers;
}

describe('securityHeaders', () => {
  for (const origin of ['http://localhost:8787', 'https://attest.example.kz']) {
    for (const raw of [false, true]) {
      it(`sends what secure-headers sent (${origin}, ${raw ? 'hand-built' : 'context'} response)`, async () => {
        const expected = await headersOf(reference(origin.startsWith('https://')), raw);
        expect(Object.keys(expected).length).toBeGreaterThan(10);
        expect(await headersOf(securityHeaders(origin) as never, raw)).toEqual(expected);
      });
    }
  }

  it('lets the pages connect to the configured NCALayer origin and nowhere else', async () => {
    const ncalayer = 'wss://127.0.0.1:13579';
    const expected = await headersOf(reference(false, [ncalayer]), false);
    const sent = await headersOf(securityHeaders('http://localhost:8787', [ncalayer]) as never, false);
    expect(sent).toEqual(expected);
    expect(sent['content-security-policy']).toContain(`connect-src 'self' ${ncalayer};`);
  });

  it('keeps headers a handler set', async () => {
    const app = new Hono();
    app.use(securityHeaders('http://localhost:8787') as never);
    app.get('/', (c) => {
      c.header('cache-control', 'no-store');
      return c.json({ ok: true }, 200, { etag: '"1"' });
    });
    const response = await app.request('/');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
