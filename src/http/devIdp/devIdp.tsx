// The built-in development IdP: a real OpenID Connect provider (code flow, PKCE S256, RS256
// or ES256 ID tokens, UserInfo) that signs in as a picked test person. It exists so
// `npm start` works with no national IdP; the runtime refuses it in production.
// Web-standard APIs only.
import { type Context, Hono } from 'hono';
import type { JWK } from 'jose';
import type { Clock } from '../../domain/clock.js';
import { MalformedRequestError, NotFoundError } from '../../domain/errors.js';
import { requestLocale } from '../middleware/language.js';
import { problemResponse } from '../problem.js';
import {
  authorizationResponseLocation,
  checkAuthorizationRequest,
  type DevIdpClient,
  findPerson,
} from './authorizeRequest.js';
import { type DevIdpGrantStores, memoryGrantStores } from './codeStore.js';
import { PICKER_CSS, PickerPage, pickerLocale } from './pickerPage.js';
import { createDevIdpKeys, DEV_IDP_ALGORITHMS } from './signingKey.js';
import type { TestPerson } from './testPersons.js';
import { handleTokenRequest } from './tokenEndpoint.js';
import { handleUserinfoRequest } from './userinfoEndpoint.js';

export const DEFAULT_DEV_ACR = 'urn:wallet-attest:dev';

export interface DevIdpSettings {
  /** e.g. http://localhost:8787/dev-idp; the app is mounted at this URL's path. */
  issuer: string;
  /** Private ES256 JWK with a kid, generated and stored by the runtime. */
  signingKey: JWK;
  /** Private RS256 JWK with a kid; generated in memory at first use when absent. */
  rsaSigningKey?: JWK;
  clients: DevIdpClient[];
  persons: TestPerson[];
  clock: Clock;
  /** The acr claim to emit; default 'urn:wallet-attest:dev'. */
  acr?: string;
  /** Where codes and access tokens are kept; default this process's memory (one instance). */
  grants?: DevIdpGrantStores;
}

function discoveryDocument(issuer: string, acr: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    // OIDC Discovery §3: RS256 MUST be listed (and so must be producible).
    id_token_signing_alg_values_supported: DEV_IDP_ALGORITHMS,
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile'],
    acr_values_supported: [acr],
    claims_supported: [
      'iss',
      'sub',
      'aud',
      'iat',
      'exp',
      'nonce',
      'acr',
      'auth_time',
      'national_id',
      'given_name',
      'family_name',
      'birthdate',
    ],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
    // Said outright where omitting a field would claim support (request_uri defaults to true).
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
  };
}

/** Form fields as plain strings; file uploads have no business here and are dropped. */
function textFields(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

export function createDevIdp(settings: DevIdpSettings): Hono {
  const { issuer, clients, persons, clock } = settings;
  const acr = settings.acr ?? DEFAULT_DEV_ACR;
  const { codes, accessTokens } = settings.grants ?? memoryGrantStores(clock);
  const keys = createDevIdpKeys({
    es256: settings.signingKey,
    ...(settings.rsaSigningKey ? { rs256: settings.rsaSigningKey } : {}),
  });
  const tokenContext = { issuer, clients, codes, accessTokens, clock, acr, keys };

  /** The picker, unless login_hint names a test person or the picker's form carries a pick. */
  async function authorize(c: Context, parameters: Record<string, string>, pick?: string): Promise<Response> {
    const check = checkAuthorizationRequest(parameters, clients, issuer);
    if (check.kind === 'refuse') {
      const error = new MalformedRequestError(check.detail, { reason: 'invalid-authorization-request' });
      return problemResponse(c, error.toProblem());
    }
    if (check.kind === 'redirect-error') return c.redirect(check.location, 302);
    const { request } = check;
    const person = findPerson(persons, pick ?? (request.forcePicker ? undefined : request.loginHint));
    if (!person) {
      if (pick !== undefined) {
        const location = authorizationResponseLocation(issuer, request.redirectUri, {
          error: 'invalid_request',
          error_description: 'Unknown test person',
          state: request.state,
        });
        return c.redirect(location, 302);
      }
      const locale = pickerLocale(request, requestLocale(c));
      c.header('cache-control', 'no-store');
      c.header('content-language', locale);
      c.header('vary', 'accept-language, cookie');
      return c.html(<PickerPage issuer={issuer} request={request} persons={persons} locale={locale} />);
    }
    const code = await codes.issue({
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: request.scope,
      ...(request.nonce ? { nonce: request.nonce } : {}),
      person,
      authTime: Math.floor(clock.now().getTime() / 1000),
    });
    const location = authorizationResponseLocation(issuer, request.redirectUri, {
      code,
      state: request.state,
    });
    return c.redirect(location, 302);
  }

  const app = new Hono();
  app.get('/.well-known/openid-configuration', (c) => c.json(discoveryDocument(issuer, acr)));
  app.get('/jwks', async (c) => c.json({ keys: await keys.publicJwks() }));
  app.get('/style.css', (c) => c.body(PICKER_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/authorize', (c) => authorize(c, c.req.query()));
  app.post('/authorize', async (c) => {
    // The picker's form adds `person`; a client's form-encoded request (Core §3.1.2.1) has none.
    const { person, ...fields } = textFields(await c.req.parseBody());
    return authorize(c, fields, person);
  });
  app.post('/token', (c) => handleTokenRequest(c.req.raw, tokenContext));
  app.on(['GET', 'POST'], '/userinfo', (c) => handleUserinfoRequest(c.req.raw, accessTokens));
  app.notFound((c) =>
    problemResponse(c, new NotFoundError(`No dev IdP route for ${c.req.path}`).toProblem()),
  );
  return app;
}
