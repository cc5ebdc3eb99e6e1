import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PROBLEM_BASE, type ProblemDetails } from '../domain/errors.js';
import { hasMessage, t } from '../i18n/catalogue.js';
import { FALLBACK_LOCALE, type Locale } from '../i18n/locale.js';
import { requestLocale } from './middleware/language.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * A problem document in the response's language. English keeps the specific detail the
 * service wrote (the API's reference language); Kazakh and Russian get the catalogue's
 * title and its human explanation of the problem type. Extensions (field pointers,
 * retry hints) are the same in every language.
 */
export function localizeProblem(problem: ProblemDetails, locale: Locale): ProblemDetails {
  if (locale === FALLBACK_LOCALE || !problem.type.startsWith(PROBLEM_BASE)) return problem;
  const slug = problem.type.slice(PROBLEM_BASE.length);
  const titleKey = `problem.${slug}.title`;
  const detailKey = `problem.${slug}.detail`;
  if (!hasMessage(titleKey)) return problem;
  return {
    ...problem,
    title: t(locale, titleKey),
    ...(hasMessage(detailKey) ? { detail: t(locale, detailKey) } : {}),
  };
}

/** The catalogue's title and explanation of a problem type, for pages (every language). */
export function humanProblem(problem: ProblemDetails, locale: Locale): { title: string; detail?: string } {
  const slug = problem.type.startsWith(PROBLEM_BASE) ? problem.type.slice(PROBLEM_BASE.length) : '';
  const titleKey = `problem.${slug}.title`;
  const detailKey = `problem.${slug}.detail`;
  return {
    title: hasMessage(titleKey) ? t(locale, titleKey) : problem.title,
    ...(hasMessage(detailKey) ? { detail: t(locale, detailKey) } : {}),
  };
}

export function problemResponse(
  c: Context,
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): Response {
  const locale = requestLocale(c);
  return c.body(
    JSON.stringify({ ...localizeProblem(problem, locale), instance: c.req.path }),
    problem.status as ContentfulStatusCode,
    {
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-language': locale,
      ...headers,
    },
  );
}
