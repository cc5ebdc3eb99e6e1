// Loads the session named by the cookie (if any) and guards routes by session kind.
import type { MiddlewareHandler } from 'hono';
import { AuthenticationRequiredError, EnrollmentOnlyError } from '../../domain/errors.js';
import { resolveSession, type SessionKind } from '../../services/sessions.js';
import { clearCookie, readCookie } from '../cookies.js';
import type { AppEnv } from '../env.js';

export function loadSession(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const cookies = c.get('cookies');
    const token = readCookie(c, cookies.session);
    if (token) {
      const session = await resolveSession(c.get('deps').services, token);
      if (session) c.set('session', session);
      else clearCookie(c, cookies, cookies.session);
    }
    await next();
  };
}

/** Refuses requests without a session of one of the given kinds. */
export function requireSession(...kinds: SessionKind[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = c.get('session');
    if (!session) throw new AuthenticationRequiredError('This route needs a signed-in session');
    if (!kinds.includes(session.kind)) {
      throw new EnrollmentOnlyError('Register a passkey first; this session may do nothing else');
    }
    await next();
  };
}
