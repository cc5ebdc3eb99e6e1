// Talking to the identity provider over the injected fetch. Anything that goes wrong on the
// IdP's side (unreachable, non-2xx, not JSON, fields missing) is its failure, not the
// citizen's: a 502 IdentityProviderError with a stable `reason`.
import { IdentityProviderError } from '../../errors.js';

export type ProviderFailureReason =
  | 'unreachable'
  | 'http-status'
  | 'bad-response'
  | 'missing-field'
  | 'issuer-mismatch';

const REQUEST_TIMEOUT_MS = 10_000;

export function providerError(
  reason: ProviderFailureReason,
  detail: string,
  extra: Record<string, unknown> = {},
): IdentityProviderError {
  return new IdentityProviderError(detail, { reason, ...extra });
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The OAuth error code of an error body, when it looks like one (free text stays out of our errors). */
async function oauthErrorCode(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = await response.json();
    const code = isJsonObject(body) ? body.error : undefined;
    return typeof code === 'string' && /^[a-z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Fetches a JSON object from the IdP; `what` names the endpoint in error details. */
export async function fetchProviderJson(
  fetchImpl: typeof fetch,
  url: string,
  what: string,
  init: RequestInit = {},
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch {
    throw providerError('unreachable', `The identity provider's ${what} could not be reached`);
  }
  if (!response.ok) {
    const oauthError = await oauthErrorCode(response);
    throw providerError('http-status', `The identity provider's ${what} answered HTTP ${response.status}`, {
      upstreamStatus: response.status,
      ...(oauthError ? { oauthError } : {}),
    });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw providerError('bad-response', `The identity provider's ${what} did not answer JSON`);
  }
  if (!isJsonObject(body)) {
    throw providerError('bad-response', `The identity provider's ${what} did not answer a JSON object`);
  }
  return body;
}

export function requiredString(body: Record<string, unknown>, field: string, what: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw providerError('missing-field', `The identity provider's ${what} has no "${field}"`);
  }
  return value;
}

/**
 * An endpoint URL from the IdP's metadata: only http(s), so no other scheme reaches fetch;
 * only https when `httpsOnly`.
 */
export function requiredHttpUrl(
  body: Record<string, unknown>,
  field: string,
  what: string,
  httpsOnly = false,
): string {
  const value = requiredString(body, field, what);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw providerError('bad-response', `The identity provider's ${what} has an invalid "${field}"`);
  }
  if (url.protocol !== 'https:' && (httpsOnly || url.protocol !== 'http:')) {
    const allowed = httpsOnly ? 'an https' : 'an HTTP';
    throw providerError(
      'bad-response',
      `The identity provider's ${what} has "${field}" that is not ${allowed} URL`,
    );
  }
  return value;
}

/** Like requiredHttpUrl, for an endpoint the provider may leave out. */
export function optionalHttpUrl(
  body: Record<string, unknown>,
  field: string,
  what: string,
  httpsOnly = false,
): string | undefined {
  return body[field] === undefined ? undefined : requiredHttpUrl(body, field, what, httpsOnly);
}
