// The HTTP contract: the route table covers exactly the routes the app serves, every
// schema file is loaded and referenced correctly, /openapi.json is generated from them,
// and the response check really catches a body that breaks its schema. (Every other
// suite runs with that check on, so every response they provoke is validated.)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../src/http/contract.js';
import type { AppEnv } from '../src/http/env.js';
import { type ContractViolation, contractCheck } from '../src/http/middleware/contractCheck.js';
import { SCHEMAS } from '../src/http/schemas.js';
import { createApiClient } from '../src/services/apiClients.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { json } from './http/citizenFlow.js';
import { signedInCitizens } from './http/walletFlow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

// Pages for people (their access rules are tested in test/http/pages.test.ts and console.test.ts).
const NOT_API = [
  /^\/dev-idp/,
  /^\/assets\//,
  /^\/$/,
  /^\/enroll$/,
  /^\/account$/,
  /^\/activity$/,
  /^\/regulator(\/|$)/,
  /^\/\*$/,
];

describe('the route table', () => {
  it('lists exactly the API routes the app serves', () => {
    const served = new Set(
      server.assembled.app.routes
        .filter((route) => route.method !== 'ALL' && !NOT_API.some((pattern) => pattern.test(route.path)))
        .map((route) => `${route.method} ${route.path}`),
    );
    const declared = new Set(ROUTES.map((route) => `${route.method} ${route.path}`));
    expect([...served].filter((route) => !declared.has(route))).toEqual([]);
    expect([...declared].filter((route) => !served.has(route))).toEqual([]);
  });

  it('names only schemas that exist, and every schema file is loaded', () => {
    const files = readdirSync(join(import.meta.dirname, '..', 'schemas'))
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length))
      .sort();
    expect(Object.keys(SCHEMAS).sort()).toEqual(files);
    for (const route of ROUTES) {
      const names = [route.request, ...Object.values(route.responses).flat()].filter(
        (name) => typeof name === 'string' && name !== 'empty' && name !== 'redirect',
      ) as string[];
      for (const name of names) expect(Object.keys(SCHEMAS), `${route.method} ${route.path}`).toContain(name);
    }
  });
});

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 with every operation and resolvable references', async () => {
    const response = await server.browser().get('/openapi.json');
    expect(response.status).toBe(200);
    const doc = await json<{
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    }>(response);
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      ROUTES.map((route) => `${route.method} ${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`).sort(),
    );
    const text = JSON.stringify(doc);
    const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas).toHaveProperty(ref.split('/').pop()!);
    }
    expect(text).not.toMatch(/"\$id"|"\$schema"/);
    expect(doc.paths['/v1/attestations/{account}']?.get?.responses).toHaveProperty('4XX');
  });
});

describe('the response check', () => {
  it('reports a body that breaks its schema, an undeclared status and an undeclared media type', async () => {
    const violations: ContractViolation[] = [];
    const app = new Hono<AppEnv>();
    app.use(contractCheck((violation) => violations.push(violation)));
    app.get('/healthz', (c) => c.json({ status: 'fine' }));
    app.get('/readyz', (c) => c.json({ status: 'ok' }, 201));
    app.get('/metrics', (c) => c.json({}));
    app.get('/.well-known/jwks.json', (c) => c.json({ keys: [] }));
    for (const path of ['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json']) await app.request(path);
    expect(violations.map((v) => [v.route, v.status])).toEqual([
      ['/healthz', 200],
      ['/readyz', 201],
      ['/metrics', 200],
    ]);
  });
});

describe('access rules, for every route in the table', () => {
  const concrete = (path: string) =>
    path
      .replace(':account', 'eip155:1:0x000000000000000000000000000000000000dEaD')
      .replace(/:[A-Za-z]+/g, 'some-id');
  const body = (route: (typeof ROUTES)[number]) =>
    route.method === 'GET' || route.method === 'DELETE' ? undefined : JSON.stringify({});

  it.each(
    ROUTES.filter((route) => route.access === 'api-key').map(
      (route) => [route.method, route.path, route] as const,
    ),
  )('%s %s refuses no key (401) and a key without its scope (403)', async (method, path, route) => {
    const scopes = ['attestations:read', 'identity:match', 'webhooks:manage'].filter(
      (s) => s !== route.scope,
    );
    const { key } = await createApiClient(server.assembled.services, { name: 'x', licenseNo: 'y', scopes });
    const url = `${server.baseUrl}${concrete(path)}`;
    const headers = { 'content-type': 'application/json' };
    const anonymous = await fetch(url, { method, headers, body: body(route) });
    expect(anonymous.status).toBe(401);
    const wrongScope = await fetch(url, {
      method,
      headers: { ...headers, authorization: `Bearer ${key}` },
      body: body(route),
    });
    expect(wrongScope.status).toBe(403);
  });

  it.each(
    ROUTES.filter((route) => route.access === 'session').map(
      (route) => [route.method, route.path, route] as const,
    ),
  )(
    '%s %s refuses a request without a session (401), with or without an API key',
    async (method, path, route) => {
      const { key } = await createApiClient(server.assembled.services, {
        name: 'x',
        licenseNo: 'y',
        scopes: ['attestations:read', 'identity:match', 'webhooks:manage'],
      });
      for (const headers of [{}, { authorization: `Bearer ${key}` }] as Record<string, string>[]) {
        const response = await server.browser().request(method, concrete(path), {
          headers,
          ...(body(route) ? { json: {} } : {}),
        });
        expect(response.status).toBe(401);
      }
    },
  );
});

describe('regulator lookups and actions state their purpose and case', () => {
  const concrete = (path: string) =>
    path
      .replace(':account', 'eip155:1:0x000000000000000000000000000000000000dEaD')
      .replace(/:[A-Za-z]+/g, 'some-id');
  const regulatorRoutes = ROUTES.filter((route) => route.access === 'regulator');

  it('names the two headers, required, in the OpenAPI document of exactly the purpose-bound routes', async () => {
    const document = await (await fetch(`${server.baseUrl}/openapi.json`)).json();
    for (const route of regulatorRoutes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = document.paths[path][route.method.toLowerCase()];
      const headers = (operation.parameters ?? [])
        .filter((p: { in: string }) => p.in === 'header')
        .map((p: { name: string; required: boolean }) => `${p.name}:${p.required}`);
      expect(headers, `${route.method} ${route.path}`).toEqual(
        route.purposeBound ? ['Access-Purpose:true', 'Case-Reference:true'] : [],
      );
    }
  });

  it.each(regulatorRoutes.map((route) => [route.method, route.path, route] as const))(
    '%s %s: refused without them exactly when the contract says so',
    async (method, path, route) => {
      const key = await createApiClient(server.assembled.services, {
        name: 'r',
        licenseNo: 'r',
        scopes: ['regulator:read', 'regulator:act'],
      });
      const response = await server.browser().request(method, concrete(path), {
        ...(route.method === 'POST' ? { json: {} } : {}),
        headers: { authorization: `Bearer ${key.key}` },
      });
      const body = (await response.json()) as { type?: string };
      const refused = body.type === 'https://wallet-attest.example/problems/access-purpose-required';
      expect(refused, `${response.status} ${body.type}`).toBe(route.purposeBound === true);
      if (refused) expect(response.status).toBe(400);
    },
  );
});

describe('regulator routes refuse everyone else', () => {
  const concrete = (path: string) =>
    path
      .replace(':account', 'eip155:1:0x000000000000000000000000000000000000dEaD')
      .replace(/:[A-Za-z]+/g, 'some-id');

  it.each(
    ROUTES.filter((route) => route.access === 'regulator').map(
      (route) => [route.method, route.path, route] as const,
    ),
  )(
    '%s %s: 401 anonymous, 403 citizen, 403 exchange key, 403 key of the other regulator scope',
    async (method, path, route) => {
      const options = route.method === 'POST' ? { json: {} } : {};
      expect((await server.browser().request(method, concrete(path), options)).status).toBe(401);
      const [citizen] = await signedInCitizens(server, 1);
      const asCitizen = await citizen!.browser.request(method, concrete(path), options);
      expect(asCitizen.status).toBe(403);
      const exchange = await createApiClient(server.assembled.services, {
        name: 'x',
        licenseNo: 'y',
        scopes: ['attestations:read', 'identity:match', 'webhooks:manage'],
      });
      const other = await createApiClient(server.assembled.services, {
        name: 'r',
        licenseNo: 'r',
        scopes: [route.scope === 'regulator:read' ? 'regulator:act' : 'regulator:read'],
      });
      for (const key of [exchange.key, other.key]) {
        const response = await server.browser().request(method, concrete(path), {
          ...options,
          headers: { authorization: `Bearer ${key}` },
        });
        expect(response.status).toBe(403);
      }
    },
  );
});
