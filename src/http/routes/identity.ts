// Citizen identity verification: OIDC (national IdP or the dev IdP), x509 eID, and x509
// signed in eGov Mobile through SIGEX.
import { Hono } from 'hono';
import {
  IdentityVerificationFailedError,
  MalformedRequestError,
  NotFoundError,
} from '../../domain/errors.js';
import {
  completeEgovMobileSigning,
  egovMobileSigningStatus,
  startEgovMobileSigning,
} from '../../services/egovMobileSigning.js';
import {
  completeOidcVerification,
  completeX509Verification,
  startOidcVerification,
  startX509Verification,
} from '../../services/identityVerification.js';
import type { Session } from '../../services/sessions.js';
import { setCookieValue } from '../cookies.js';
import type { AppEnv } from '../env.js';
import { currentFlow, ensureFlow } from '../flow.js';
import { readJsonBody } from '../json.js';

export function sessionJson(session: Session) {
  return { kind: session.kind, expiresAt: session.expiresAt.toISOString() };
}

export function setSessionCookie(c: import('hono').Context<AppEnv>, token: string, session: Session) {
  const seconds = Math.max(1, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
  setCookieValue(c, c.get('cookies'), c.get('cookies').session, token, seconds);
}

export function identityRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/oidc/start', async (c) => {
    const { identitySources } = c.get('deps');
    const source = c.req.query('source') ?? (identitySources.oidc.oidc ? 'oidc' : 'dev');
    const loginHint = c.req.query('login_hint');
    if (loginHint !== undefined && !/^[\w.@+-]{1,64}$/.test(loginHint)) {
      throw new MalformedRequestError('login_hint has characters an IdP would not accept');
    }
    const url = await startOidcVerification(c.get('deps').services, identitySources, {
      source,
      flowBinding: ensureFlow(c),
      ...(loginHint ? { loginHint } : {}),
      // The IdP's pages in the language of ours (the dev IdP honours it; others may).
      uiLocales: [c.get('locale')],
    });
    return c.redirect(url, 302);
  });

  app.get('/oidc/callback', async (c) => {
    const error = c.req.query('error');
    if (error) {
      throw new IdentityVerificationFailedError('The identity provider refused the sign-in', {
        reason: 'idp-error',
        idpError: error.slice(0, 64),
      });
    }
    const code = c.req.query('code');
    const state = c.req.query('state');
    if (!code || !state) throw new MalformedRequestError('The callback needs code and state');
    // RFC 9207: which issuer sent this response; the client checks it against its provider.
    const responseIssuer = c.req.query('iss');
    const result = await completeOidcVerification(c.get('deps').services, c.get('deps').identitySources, {
      code,
      state,
      flowBinding: currentFlow(c),
      ...(responseIssuer !== undefined ? { responseIssuer } : {}),
    });
    setSessionCookie(c, result.token, result.session);
    return c.redirect('/enroll', 303);
  });

  app.post('/x509/challenge', async (c) => {
    const { value, expiresAt } = await startX509Verification(
      c.get('deps').services,
      c.get('deps').identitySources,
      ensureFlow(c),
    );
    return c.json({ challenge: value, expiresAt: expiresAt.toISOString() });
  });

  app.post('/x509/verify', async (c) => {
    const body = await readJsonBody<{ challenge: string; signedData: string }>(c, 'x509-verify-request');
    const result = await completeX509Verification(c.get('deps').services, c.get('deps').identitySources, {
      ...body,
      flowBinding: currentFlow(c),
    });
    return identityVerified(c, result);
  });

  app.post('/egov-mobile', async (c) => {
    const started = await startEgovMobileSigning(c.get('deps').services, c.get('deps').identitySources, {
      flowBinding: ensureFlow(c),
      locale: c.get('locale'),
    });
    c.header('location', `/v1/identity/egov-mobile/${started.id}`);
    return c.json({ ...started, status: 'waiting', expiresAt: started.expiresAt.toISOString() }, 201);
  });

  app.get('/egov-mobile/:id', async (c) => {
    const status = await egovMobileSigningStatus(c.get('deps').services, c.get('deps').identitySources, {
      id: signingId(c.req.param('id')),
      flowBinding: currentFlow(c),
    });
    c.header('cache-control', 'no-store');
    return c.json({ ...status, expiresAt: status.expiresAt.toISOString() });
  });

  app.post('/egov-mobile/:id/verify', async (c) => {
    const result = await completeEgovMobileSigning(c.get('deps').services, c.get('deps').identitySources, {
      id: signingId(c.req.param('id')),
      flowBinding: currentFlow(c),
    });
    return identityVerified(c, result);
  });

  return app;
}

/** The session cookie and the answer of every identity verification that ends on the page. */
function identityVerified(
  c: import('hono').Context<AppEnv>,
  result: Awaited<ReturnType<typeof completeX509Verification>>,
) {
  setSessionCookie(c, result.token, result.session);
  return c.json({
    identityId: result.identity.id,
    created: result.created,
    session: sessionJson(result.session),
    next: '/v1/webauthn/registration/options',
  });
}

/** Signing IDs are 16 random bytes in base64url; anything else names no signing. */
function signingId(value: string): string {
  if (!/^[A-Za-z0-9_-]{22}$/.test(value)) throw new NotFoundError('No eGov Mobile signing has this ID');
  return value;
}
