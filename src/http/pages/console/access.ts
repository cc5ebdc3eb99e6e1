// Who may see the console: an officer, that is a full session (signed in with a passkey)
// of an identity with the regulator role. Without a session the browser is sent to the
// console's sign-in page and back; anyone else gets a page that says why not.
import type { MiddlewareHandler } from 'hono';
import { findIdentityById } from '../../../store/repositories/identities.js';
import type { AppEnv } from '../../env.js';
import { openCase } from '../../officerCase.js';
import { forbiddenPage } from './frame.js';

/** A path inside the console to return to after signing in; anything else returns home. */
export function consoleReturnPath(raw: string | undefined): string {
  if (
    !raw ||
    !/^\/regulator(\/[\w\-./:%]*)?(\?[\w\-.=&%:]*)?$/.test(raw) ||
    raw.includes('//') ||
    raw.includes('..')
  ) {
    return '/regulator';
  }
  return raw;
}

export function requireOfficerPage(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.header('cache-control', 'no-store');
    const session = c.get('session');
    if (session?.kind !== 'full') {
      const url = new URL(c.req.url);
      const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : '/regulator';
      return c.redirect(`/regulator/sign-in?next=${encodeURIComponent(consoleReturnPath(back))}`, 303);
    }
    const identity = await findIdentityById(c.get('deps').services.db, session.identityId);
    if (!identity?.roles.split(' ').includes('regulator')) return forbiddenPage(c);
    const access = openCase(c);
    c.set('regulator', { id: identity.id, via: 'officer', ...(access ? { access } : {}) });
    await next();
  };
}
