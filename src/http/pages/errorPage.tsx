// Error pages for people: a browser navigation that fails gets a page in its language
// with a way back, while API clients (and the pages' own scripts, whose fetches do not
// ask for HTML) keep getting problem+json. A navigation is a GET or HEAD that asks for
// HTML, outside the API except for the identity routes a browser is sent through.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ProblemDetails } from '../../domain/errors.js';
import { t } from '../../i18n/catalogue.js';
import type { AppEnv } from '../env.js';
import { humanProblem } from '../problem.js';
import { Layout } from './layout.js';

export function isBrowserNavigation(c: Context<AppEnv>): boolean {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return false;
  const path = c.req.path;
  if (path.startsWith('/v1/') && !path.startsWith('/v1/identity/oidc/')) return false;
  if (path.startsWith('/assets/') || path.startsWith('/.well-known/')) return false;
  return (c.req.header('accept') ?? '').includes('text/html');
}

export function errorPage(c: Context<AppEnv>, problem: ProblemDetails, headers: Record<string, string> = {}) {
  const locale = c.get('locale');
  const generic = problem.status === 404 ? 'notFound' : problem.status === 503 ? 'unavailable' : 'generic';
  // Server faults are told generically; refusals (4xx) with the catalogue's text for their type.
  const text =
    problem.status >= 500 || problem.status === 404
      ? { title: t(locale, `error.${generic}.title`), detail: t(locale, `error.${generic}.body`) }
      : humanProblem(problem, locale);
  const url = new URL(c.req.url);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  c.header('content-language', locale);
  c.header('cache-control', 'no-store');
  return c.html(
    <Layout locale={locale} url={`${url.pathname}${url.search}`} title={text.title}>
      <h1>{text.title}</h1>
      {text.detail && <p>{text.detail}</p>}
      <p>
        <a class="button" href="/">
          {t(locale, 'error.backHome')}
        </a>
      </p>
    </Layout>,
    problem.status as ContentfulStatusCode,
  );
}
