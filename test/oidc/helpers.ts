// Shared by the OIDC tests: a clock the tests move, an in-process "network" for a Hono app
// mounted under a path, and a fake IdP that hands out whatever ID token a test minted.
import { Hono } from 'hono';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import type { Clock } from '../../src/domain/clock.js';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';

export class MovableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

/** A fetch that serves `issuer`'s URLs from an app that sees paths relative to the issuer, as app.ts mounts the dev IdP. */
export function serveAt(issuer: string, app: { fetch: (request: Request) => Response | Promise<Response> }) {
  const base = new URL(issuer);
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      throw new TypeError(`fetch failed: no route to ${url.origin}`);
    }
    url.pathname = url.pathname.slice(base.pathname.length) || '/';
    return app.fetch(new Request(url, request));
  };
  return fetchImpl;
}

export const FAKE_ISSUER = 'https://idp.example.kz/oidc';
export const FAKE_CLIENT_ID = 'wallet-attest';
export const FAKE_NONCE = 'n-0S6_WzA2Mj-expected-nonce';
export const PERSON = TEST_PERSONS[0]!;

export interface SigningKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

export class FakeIdp {
  discoveryIssuer = FAKE_ISSUER;
  /** Added to (or overriding) the discovery document. */
  discoveryExtras: Record<string, unknown> = {};
  publishedKeys: JWK[] = [];
  jwksFetches = 0;
  userinfoResponse: () => Response | Promise<Response> = () =>
    new Response('no userinfo configured', { status: 500 });
  userinfoAuthorizations: (string | null)[] = [];
  tokenResponse: () => Response | Promise<Response> = () =>
    new Response('no token configured', { status: 500 });
  lastTokenRequest: { form: URLSearchParams; authorization: string | null } | undefined;
  readonly fetch: typeof fetch;

  constructor(readonly clock: Clock) {
    const app = new Hono();
    app.get('/.well-known/openid-configuration', (c) =>
      c.json({
        issuer: this.discoveryIssuer,
        authorization_endpoint: `${FAKE_ISSUER}/authorize`,
        token_endpoint: `${FAKE_ISSUER}/token`,
        jwks_uri: `${FAKE_ISSUER}/jwks`,
        ...this.discoveryExtras,
      }),
    );
    app.get('/userinfo', (c) => {
      this.userinfoAuthorizations.push(c.req.header('authorization') ?? null);
      return this.userinfoResponse();
    });
    app.get('/jwks', (c) => {
      this.jwksFetches++;
      return c.json({ keys: this.publishedKeys });
    });
    app.post('/token', async (c) => {
      this.lastTokenRequest = {
        form: new URLSearchParams(await c.req.text()),
        authorization: c.req.header('authorization') ?? null,
      };
      return this.tokenResponse();
    });
    this.fetch = serveAt(FAKE_ISSUER, app);
  }

  /** The token endpoint answers with this ID token. */
  answerWith(idToken: string): void {
    this.tokenResponse = () => Response.json({ access_token: 'at', token_type: 'Bearer', id_token: idToken });
  }

  /** Claims a well-behaved IdP would put in the token; tests override or delete some. */
  goodClaims(): JWTPayload {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    return {
      iss: FAKE_ISSUER,
      aud: FAKE_CLIENT_ID,
      sub: 'subject-1',
      iat: now,
      exp: now + 300,
      nonce: FAKE_NONCE,
      acr: 'urn:eid:high',
      national_id: PERSON.nationalId,
      given_name: PERSON.givenName,
      family_name: PERSON.familyName,
      birthdate: PERSON.birthDate,
    };
  }
}

export async function signToken(
  claims: JWTPayload,
  key: SigningKey,
  header: { alg?: string; kid?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: header.alg ?? 'ES256', kid: header.kid ?? key.publicJwk.kid!, typ: 'JWT' })
    .sign(key.privateKey);
}
