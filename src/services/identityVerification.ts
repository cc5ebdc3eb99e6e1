// The identity-verification flows: each ends with the identity recorded and a short
// enrollment session (which may only register a passkey), in one transaction.

import type { Kysely } from 'kysely';
import { fromBase64Url } from '../domain/encoding.js';
import { IdentitySourceUnavailableError, MalformedRequestError } from '../domain/errors.js';
import type { VerifiedIdentityClaims } from '../domain/identity/identitySource.js';
import type { OidcClient } from '../domain/identity/oidc/index.js';
import { type NcaNodeTransport, verifyEidSignatureWithNcaNode } from '../domain/identity/x509/ncanode.js';
import {
  type OcspTransport,
  verifyEidSignature,
  type X509TrustSettings,
} from '../domain/identity/x509/verifyEidSignature.js';
import type { SigexClient } from '../identity/sigexClient.js';
import type { Database } from '../store/database.js';
import { consumeChallenge, issueChallenge } from './challenges.js';
import type { ServiceContext } from './context.js';
import { recordVerifiedIdentity } from './identities.js';
import { startSession } from './sessions.js';

export type OidcSourceName = 'oidc' | 'dev';

/** The x509 source as assembled: trust settings with the CRLs current now, and its remote checks. */
export interface X509Source {
  trust(): Promise<X509TrustSettings>;
  /** Present when the service asks an OCSP responder itself. */
  ocsp?: OcspTransport;
  /** Present when NCANode verifies the signatures (X509_VERIFIER=ncanode). */
  ncanode?: NcaNodeTransport;
  /** Present when citizens may sign with eGov Mobile through SIGEX (SIGEX_URL). */
  egovMobile?: SigexClient;
}

export interface IdentitySources {
  oidc: Partial<Record<OidcSourceName, OidcClient>>;
  x509?: X509Source;
}

const OIDC_FLOW_PURPOSE = 'oidc.flow';
const OIDC_FLOW_SECONDS = 600;

/**
 * Records the identity and starts its enrollment session; `alsoInTransaction` runs first in
 * the same transaction (a flow that must end exactly once marks itself ended there).
 */
export async function finishVerification(
  ctx: ServiceContext,
  claims: VerifiedIdentityClaims,
  alsoInTransaction?: (trx: Kysely<Database>) => Promise<void>,
) {
  return ctx.units.run(async (trx) => {
    await alsoInTransaction?.(trx);
    const { identity, created } = await recordVerifiedIdentity(ctx, trx, claims);
    const { token, session } = await startSession(ctx, trx, {
      identityId: identity.id,
      kind: 'enrollment',
      identityVerifiedAt: ctx.clock.now(),
    });
    return { identity, created, token, session };
  });
}

function oidcClientFor(sources: IdentitySources, name: string): OidcClient {
  const client = sources.oidc[name as OidcSourceName];
  if (!client) throw new IdentitySourceUnavailableError(`The identity source "${name}" is not enabled`);
  return client;
}

/** Returns the IdP URL to send the browser to; state, nonce and PKCE verifier stay server-side, encrypted. */
export async function startOidcVerification(
  ctx: ServiceContext,
  sources: IdentitySources,
  p: { source: string; loginHint?: string; uiLocales?: readonly string[]; flowBinding: string },
): Promise<string> {
  const client = oidcClientFor(sources, p.source);
  const request = await client.startAuthorization({
    ...(p.loginHint ? { loginHint: p.loginHint } : {}),
    ...(p.uiLocales ? { uiLocales: p.uiLocales } : {}),
  });
  const payload = await ctx.protector.encrypt(
    JSON.stringify({ source: p.source, nonce: request.nonce, codeVerifier: request.codeVerifier }),
    OIDC_FLOW_PURPOSE,
  );
  await issueChallenge(ctx, {
    purpose: 'oidc',
    binding: p.flowBinding,
    value: request.state,
    payload,
    ttlSeconds: OIDC_FLOW_SECONDS,
  });
  return request.url;
}

export async function completeOidcVerification(
  ctx: ServiceContext,
  sources: IdentitySources,
  p: { code: string; state: string; flowBinding: string; responseIssuer?: string },
) {
  const payload = await consumeChallenge(ctx, { purpose: 'oidc', binding: p.flowBinding, value: p.state });
  const flow = JSON.parse(await ctx.protector.decrypt(payload, OIDC_FLOW_PURPOSE)) as {
    source: string;
    nonce: string;
    codeVerifier: string;
  };
  const claims = await oidcClientFor(sources, flow.source).completeAuthorization({
    code: p.code,
    state: p.state,
    nonce: flow.nonce,
    codeVerifier: flow.codeVerifier,
    ...(p.responseIssuer !== undefined ? { responseIssuer: p.responseIssuer } : {}),
  });
  return finishVerification(ctx, claims);
}

export async function startX509Verification(
  ctx: ServiceContext,
  sources: IdentitySources,
  flowBinding: string,
) {
  if (!sources.x509) throw new IdentitySourceUnavailableError('The x509 identity source is not enabled');
  return issueChallenge(ctx, { purpose: 'x509', binding: flowBinding });
}

function decodeBase64(text: string, field: string): Uint8Array {
  try {
    return fromBase64Url(text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  } catch {
    throw new MalformedRequestError(`${field} must be base64 or base64url`);
  }
}

export async function completeX509Verification(
  ctx: ServiceContext,
  sources: IdentitySources,
  p: { challenge: string; signedData: string; flowBinding: string },
) {
  return finishVerification(ctx, await verifyX509Signature(ctx, sources, p));
}

/**
 * Every rule of the x509 source: the challenge (issued to this flow, unused, unexpired) is
 * used up, then the CMS is verified by pkijs or NCANode, and the service's own checks run.
 */
export async function verifyX509Signature(
  ctx: ServiceContext,
  sources: IdentitySources,
  p: { challenge: string; signedData: string; flowBinding: string },
): Promise<VerifiedIdentityClaims> {
  const x509 = sources.x509;
  if (!x509) throw new IdentitySourceUnavailableError('The x509 identity source is not enabled');
  const signedData = decodeBase64(p.signedData, 'signedData');
  await consumeChallenge(ctx, { purpose: 'x509', binding: p.flowBinding, value: p.challenge });
  const trust = await x509.trust();
  const check = {
    signedData,
    // The citizen's eID software signs the challenge text exactly as the service sent it.
    challenge: new TextEncoder().encode(p.challenge),
    trust,
    now: ctx.clock.now(),
  };
  return x509.ncanode
    ? verifyEidSignatureWithNcaNode({
        ...check,
        ncanode: x509.ncanode,
        revocationCheck: (trust.revocation ?? ['crl']).map((method) => (method === 'ocsp' ? 'OCSP' : 'CRL')),
      })
    : verifyEidSignature({ ...check, ...(x509.ocsp ? { ocsp: x509.ocsp } : {}) });
}
