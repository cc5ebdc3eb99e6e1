import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ProblemDetails } from '../domain/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemResponse(
  c: Context,
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): Response {
  return c.body(
    JSON.stringify({ ...problem, instance: c.req.path }),
    problem.status as ContentfulStatusCode,
    {
      'content-type': PROBLEM_CONTENT_TYPE,
      ...headers,
    },
  );
}
