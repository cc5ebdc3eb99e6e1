// The built-in development IdP: a real OpenID Connect provider (code flow, PKCE S256, ES256
// ID tokens) that signs in as a picked test person. It exists so `npm start` works with no
// national IdP; the runtime refuses it in production. Web-standard APIs only.
import { type Context, Hono } from 'hono';
import type { JWK } from 'jose';
import type { Clock } from '../../domain/clock.js';
import { MalformedRequestError, NotFoundError } from '../../domain/errors.js';
import { problemResponse } from '../problem.js';
import {
  checkAuthorizationRequest,
  type DevIdpClient,
  findPerson,
  redirectLocation,
} from './authorizeRequest.js';
import { createCodeStore } from './codeStore.js';
import { PICKER_CSS, PickerPage } from './pickerPage.js';
import { DEV_IDP_ALGORITHM, importSigningKey, publicJwkOf } from './signingKey.js';
import type { TestPerson } from './testPersons.js';
import { handleTokenRequest } from './tokenEndpoint.js';

export const DEFAULT_DEV_ACR = 'urn:wallet-attest:dev';

export interface DevIdpSettings {
  /** e.g. http://localhost:8787/dev-idp; the app is mounted at this URL's path. */
  issuer: string;
  /** Private ES256 JWK with a kid, generated and stored by the runtime. */
  signingKey: JWK;
  clients: DevIdpClient[];
  persons: TestPerson[];
  clock: Clock;
  /** The acr claim to emit; default 'urn:wallet-attest:dev'. */
  acr?: string;
}

function discoveryDocument(issuer: string, acr: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [DEV_IDP_ALGORITHM],
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
  const codes = createCodeStore(clock);
  let privateKey: Promise<CryptoKey> | undefined;
  const tokenContext = {
    issuer,
    clients,
    codes,
    clock,
    acr,
    signingKey: settings.signingKey,
    privateKey: () => {
      privateKey ??= importSigningKey(settings.signingKey);
      return privateKey;
    },
  };

  /** GET shows the picker unless login_hint names a test person; POST carries the pick. */
  function authorize(
    c: Context,
    parameters: Record<string, string>,
    pick?: string,
  ): Response | Promise<Response> {
    const check = checkAuthorizationRequest(parameters, clients);
    if (check.kind === 'refuse') {
      const error = new MalformedRequestError(check.detail, { reason: 'invalid-authorization-request' });
      return problemResponse(c, error.toProblem());
    }
    if (check.kind === 'redirect-error') return c.redirect(check.location, 302);
    const { request } = check;
    const person = findPerson(persons, pick ?? request.loginHint);
    if (!person) {
      if (pick !== undefined) {
        const location = redirectLocation(request.redirectUri, {
          error: 'invalid_request',
          error_description: 'Unknown test person',
          state: request.state,
        });
        return c.redirect(location, 302);
      }
      c.header('cache-control', 'no-store');
      return c.html(<PickerPage issuer={issuer} request={request} persons={persons} />);
    }
    const code = codes.issue({
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      ...(request.nonce ? { nonce: request.nonce } : {}),
      person,
      authTime: Math.floor(clock.now().getTime() / 1000),
    });
    return c.redirect(redirectLocation(request.redirectUri, { code, state: request.state }), 302);
  }

  const app = new Hono();
  app.get('/.well-known/openid-configuration', (c) => c.json(discoveryDocument(issuer, acr)));
  app.get('/jwks', (c) => c.json({ keys: [publicJwkOf(settings.signingKey)] }));
  app.get('/style.css', (c) => c.body(PICKER_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/authorize', (c) => authorize(c, c.req.query()));
  app.post('/authorize', async (c) => {
    const fields = textFields(await c.req.parseBody());
    return authorize(c, fields, fields.person ?? '');
  });
  app.post('/token', (c) => handleTokenRequest(c.req.raw, tokenContext));
  app.notFound((c) =>
    problemResponse(c, new NotFoundError(`No dev IdP route for ${c.req.path}`).toProblem()),
  );
  return app;
}
