// Checking an authorization request, shared by GET and POST /authorize (OIDC Core
// §3.1.2.1: both, POST form-encoded), the latter also carrying the pick from the picker.
// Order matters (RFC 6749 §4.1.2.1): until client_id and redirect_uri are known to be good,
// errors are shown here and never redirected, or the IdP would become an open redirector.
import type { DevIdpAlgorithm } from './signingKey.js';
import type { TestPerson } from './testPersons.js';

export interface DevIdpClient {
  clientId: string;
  redirectUris: string[];
  /** How this client's ID tokens are signed; RS256 when not registered (OIDC Registration §2). */
  idTokenSignedResponseAlg?: DevIdpAlgorithm;
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string;
  state?: string;
  nonce?: string;
  loginHint?: string;
  /** prompt=login or select_account: show the picker even when login_hint names someone. */
  forcePicker: boolean;
  /** ui_locales as sent: the languages the client asks the pages in, best first. */
  uiLocales?: string;
}

export type AuthorizationCheck =
  | { kind: 'refuse'; detail: string }
  | { kind: 'redirect-error'; location: string }
  | { kind: 'valid'; request: AuthorizationRequest };

type Parameters = Record<string, string | undefined>;

const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** redirect_uri with extra query parameters; those it already has are kept (RFC 6749 §3.1.2). */
export function redirectLocation(redirectUri: string, parameters: Parameters): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.toString();
}

/**
 * Every authorization response, errors included, carries `iss` (RFC 9207), so a client
 * talking to several providers can tell which one answered.
 */
export function authorizationResponseLocation(
  issuer: string,
  redirectUri: string,
  parameters: Parameters,
): string {
  return redirectLocation(redirectUri, { ...parameters, iss: issuer });
}

export function checkAuthorizationRequest(
  parameters: Parameters,
  clients: DevIdpClient[],
  issuer: string,
): AuthorizationCheck {
  const { client_id: clientId, redirect_uri: redirectUri, state } = parameters;
  const client = clients.find((candidate) => candidate.clientId === clientId);
  if (!clientId || !client) return { kind: 'refuse', detail: 'Unknown client_id' };
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    return { kind: 'refuse', detail: 'redirect_uri is not registered for this client' };
  }
  const redirectError = (error: string, description: string): AuthorizationCheck => ({
    kind: 'redirect-error',
    location: authorizationResponseLocation(issuer, redirectUri, {
      error,
      error_description: description,
      state,
    }),
  });
  if (parameters.response_type !== 'code') {
    return redirectError('unsupported_response_type', 'Only response_type=code is supported');
  }
  const scope = parameters.scope ?? '';
  if (!scope.split(' ').includes('openid'))
    return redirectError('invalid_scope', 'scope must include openid');
  if (parameters.code_challenge_method !== 'S256') {
    return redirectError('invalid_request', 'PKCE with code_challenge_method=S256 is required');
  }
  const codeChallenge = parameters.code_challenge ?? '';
  if (!S256_CHALLENGE.test(codeChallenge)) {
    return redirectError('invalid_request', 'code_challenge must be a base64url SHA-256 digest');
  }
  const prompts = (parameters.prompt ?? '').split(' ').filter(Boolean);
  if (prompts.includes('none')) {
    // OIDC Core §3.1.2.1: none with any other value is an error; alone, it forbids any page.
    // This IdP keeps no sign-in sessions, so without a page there is nobody signed in.
    if (prompts.length > 1) return redirectError('invalid_request', 'prompt=none cannot be combined');
    return redirectError('login_required', 'The dev IdP keeps no sessions: it must show its picker');
  }
  const { nonce, login_hint: loginHint, ui_locales: uiLocales } = parameters;
  return {
    kind: 'valid',
    request: {
      clientId,
      redirectUri,
      scope,
      codeChallenge,
      ...(state ? { state } : {}),
      ...(nonce ? { nonce } : {}),
      ...(loginHint ? { loginHint } : {}),
      forcePicker: prompts.includes('login') || prompts.includes('select_account'),
      ...(uiLocales ? { uiLocales: uiLocales.slice(0, 64) } : {}),
    },
  };
}

/** The request as form fields, so the picker's POST carries it back unchanged. */
export function requestAsFormFields(request: AuthorizationRequest): Record<string, string> {
  return {
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    response_type: 'code',
    scope: request.scope,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    ...(request.state ? { state: request.state } : {}),
    ...(request.nonce ? { nonce: request.nonce } : {}),
    ...(request.uiLocales ? { ui_locales: request.uiLocales } : {}),
  };
}

export function findPerson(persons: TestPerson[], nationalId: string | undefined): TestPerson | undefined {
  return nationalId === undefined ? undefined : persons.find((person) => person.nationalId === nationalId);
}
