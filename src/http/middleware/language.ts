// The language of every response: chosen once per request (the `lang` cookie, else
// Accept-Language, else English) and named in Content-Language by the responses that
// carry text (pages and problem documents). `?lang=kk|ru|en` on a page switches it: the
// choice is remembered in the cookie for a year, and the page is reloaded without it.
import type { Context, MiddlewareHandler } from 'hono';
import { setCookie } from 'hono/cookie';
import { isLocale, LANGUAGE_COOKIE, type Locale, negotiateLocale } from '../../i18n/locale.js';
import { readCookie } from '../cookies.js';
import type { AppEnv } from '../env.js';

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

export function chooseLanguage(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requested = c.req.method === 'GET' ? c.req.query('lang') : undefined;
    if (requested !== undefined && isLocale(requested) && !c.req.path.startsWith('/v1/')) {
      setCookie(c, LANGUAGE_COOKIE, requested, {
        path: '/',
        sameSite: 'Lax',
        secure: c.get('cookies').secure,
        maxAge: ONE_YEAR_SECONDS,
      });
      const url = new URL(c.req.url);
      url.searchParams.delete('lang');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    c.set('locale', requestLocale(c));
    await next();
  };
}

/**
 * The request's language as the middleware chose it, or chosen the same way where the
 * middleware does not run (apps mounted beside the pages: the dev IdP).
 */
export function requestLocale(c: Context): Locale {
  return (
    (c.get('locale') as Locale | undefined) ??
    negotiateLocale(readCookie(c, LANGUAGE_COOKIE), c.req.header('accept-language'))
  );
}
