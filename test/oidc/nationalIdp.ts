// A national identity provider for the tests: oidc-provider (OpenID Certified), in-process on
// loopback, configured the way such a provider plausibly is: profile claims only from
// UserInfo (its default conformIdTokenClaims), the national ID under its own claim and scope
// (`iin`), `acr` only when the client asks for it, RFC 9207 `iss` on every authorization
// response, and key rotation by reconfiguring it with new keys.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';
import type { TestBrowser } from '../helpers/server.js';

export const NATIONAL_CLIENT_ID = 'wallet-attest';
export const NATIONAL_CLIENT_SECRET = 'a client secret with spaces & symbols';
export const NATIONAL_ACR = ['urn:kz:loa:substantial', 'urn:kz:loa:high'];

export interface NationalIdpOptions {
  redirectUri: string;
  /** The provider's claims parameter feature (OIDC Core §5.5); off as in its defaults. */
  claimsParameter?: boolean;
}

/** The provider's record of a request it received (path and query only). */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

async function rsaSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
}

function subjectOf(nationalId: string): string {
  // Opaque and stable, as a national IdP's pairwise-looking subject would be.
  return `kz-${Buffer.from(nationalId).toString('base64url')}`;
}

export class NationalIdp {
  readonly seen: SeenRequest[] = [];
  /** The acr the citizen authenticates at, given what the client requested; by default the best requested one. */
  authenticateAt: (requested: string[]) => string | undefined = (requested) =>
    [...NATIONAL_ACR].reverse().find((acr) => requested.includes(acr));
  private provider: Provider | undefined;
  private options: NationalIdpOptions | undefined;
  keys: JWK[] = [];

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  /** Listens first, so the issuer (with its port) is known before the service starts. */
  static async listen(): Promise<NationalIdp> {
    let idp: NationalIdp | undefined;
    const server = createServer((req, res) => void idp!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    idp = new NationalIdp(server, `http://127.0.0.1:${port}`);
    return idp;
  }

  /** (Re)configures the provider; `newKeys` rotates the signing key, as after a key roll-over. */
  async configure(options: NationalIdpOptions, { newKeys = false } = {}): Promise<void> {
    if (newKeys || this.keys.length === 0) this.keys = [await rsaSigningKey()];
    this.options = options;
    this.provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: NATIONAL_CLIENT_ID,
          client_secret: NATIONAL_CLIENT_SECRET,
          redirect_uris: [options.redirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      jwks: { keys: this.keys },
      cookies: { keys: ['national-idp-test-cookie-key'] },
      claims: {
        openid: ['sub'],
        profile: ['given_name', 'family_name', 'birthdate'],
        iin: ['iin'],
      },
      acrValues: NATIONAL_ACR,
      // Explicit lifetimes (the defaults print a notice each).
      ttl: {
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
        AccessToken: 300,
        IdToken: 300,
        AuthorizationCode: 60,
      },
      features: {
        devInteractions: { enabled: false },
        claimsParameter: { enabled: options.claimsParameter ?? false },
      },
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
      findAccount: (_ctx: unknown, accountId: string) => {
        const person = TEST_PERSONS.find((p) => subjectOf(p.nationalId) === accountId);
        if (!person) return undefined;
        return {
          accountId,
          claims: () => ({
            sub: accountId,
            iin: person.nationalId,
            given_name: person.givenName,
            family_name: person.familyName,
            birthdate: person.birthDate,
          }),
        };
      },
    });
  }

  /** Rotates the keys: the old one is gone from the JWKS at once. */
  rotateKeys(): Promise<void> {
    return this.configure(this.options!, { newKeys: true });
  }

  count(path: string): number {
    return this.seen.filter((request) => request.path === path).length;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer);
    this.seen.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
    });
    const provider = this.provider;
    if (!provider) {
      res.statusCode = 503;
      res.end();
      return;
    }
    if (!url.pathname.startsWith('/interaction/')) {
      provider.callback()(req, res);
      return;
    }
    try {
      await this.interact(provider, req, res);
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  }

  /** The citizen's part: signs in as the person named by login_hint, then consents to everything asked. */
  private async interact(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
    if (prompt.name === 'login') {
      const person = TEST_PERSONS.find((p) => p.nationalId === params.login_hint) ?? TEST_PERSONS[0]!;
      const requested = [
        ...String(params.acr_values ?? '').split(' '),
        ...requestedAcrInClaims(params.claims),
      ].filter(Boolean);
      const acr = this.authenticateAt(requested);
      const login = { accountId: subjectOf(person.nationalId), ...(acr ? { acr } : {}) };
      await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = grantId
      ? (await provider.Grant.find(grantId))!
      : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
    const { missingOIDCScope, missingOIDCClaims } = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
    };
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } });
  }
}

function requestedAcrInClaims(claims: unknown): string[] {
  if (typeof claims !== 'string') return [];
  const values = (JSON.parse(claims) as { id_token?: { acr?: { values?: string[] } } }).id_token?.acr?.values;
  return Array.isArray(values) ? values : [];
}

/**
 * A browser going from the service to the provider and back, with a cookie jar per site:
 * follows redirects until the provider sends it to the service's callback, and returns that
 * callback URL without opening it, so a test can open it as it is or tampered with.
 */
export async function authorizeAtNationalIdp(
  service: TestBrowser,
  idp: TestBrowser,
  startPath: string,
): Promise<URL> {
  let url = new URL(startPath, service.baseUrl);
  for (let hop = 0; hop < 12; hop++) {
    const browser = url.origin === new URL(idp.baseUrl).origin ? idp : service;
    const response = await browser.get(url.toString());
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(
        `Expected a redirect from ${url.pathname}, got ${response.status}: ${await response.text()}`,
      );
    }
    url = new URL(location, url);
    if (url.pathname === '/v1/identity/oidc/callback') return url;
  }
  throw new Error('Too many redirects');
}
