// Checks every API response against the route table and its schemas. Test suites turn it
// on, so any response that drifts from its published schema fails the test that caused
// it; production leaves it off (it costs a parse and a validation per response).
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { findRoute, type MediaBody } from '../contract.js';
import type { AppEnv } from '../env.js';
import { type SchemaName, schemaViolations } from '../schemas.js';

export interface ContractViolation {
  method: string;
  route: string;
  status: number;
  problem: string;
}

export function contractCheck(report: (violation: ContractViolation) => void): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const route = routePath(c);
    const contract = findRoute(c.req.method, route);
    const status = c.res.status;
    const contentType = c.res.headers.get('content-type') ?? '';
    const fail = (problem: string) => report({ method: c.req.method, route, status, problem });
    if (contentType.startsWith('application/problem+json')) {
      const violations = schemaViolations('problem', await c.res.clone().json());
      if (violations.length > 0) fail(`problem body: ${JSON.stringify(violations)}`);
      return;
    }
    // A browser navigation that failed gets the problem as a page for people
    // (pages/errorPage.tsx); the route table describes what API clients get.
    if (status >= 400 && contentType.startsWith('text/html')) return;
    if (!contract) return; // pages, assets, the dev IdP
    const spec = contract.responses[status];
    if (spec === undefined) return fail(`status ${status} is not declared`);
    if (spec === 'empty' || spec === 'redirect') {
      if (spec === 'empty' && (await c.res.clone().text()) !== '') fail('declared empty, has a body');
      return;
    }
    const variants = Array.isArray(spec) ? spec : [spec];
    const media = variants.filter((v): v is MediaBody => typeof v === 'object');
    const names = variants.filter((v): v is SchemaName => typeof v === 'string');
    if (!contentType.startsWith('application/json')) {
      if (!media.some((m) => contentType.startsWith(m.mediaType)))
        fail(`content-type ${contentType} is not declared`);
      return;
    }
    if (names.length === 0) {
      if (!media.some((m) => m.mediaType === 'application/json')) fail('a JSON body where none is declared');
      return;
    }
    const body: unknown = await c.res.clone().json();
    const results = names.map((name) => schemaViolations(name, body));
    if (results.every((violations) => violations.length > 0)) fail(JSON.stringify(results));
  };
}
