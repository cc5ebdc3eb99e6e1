// OpenAPI 3.1 generated from the route table and the JSON Schemas in schemas/. The schema
// files use relative `$ref`s ("binding.json"); here they become component references.

import { PURPOSE_CODES } from '../domain/regulator/accessPurpose.js';
import { LOCALES } from '../i18n/locale.js';
import {
  ACCESS_PURPOSE_HEADER,
  type Access,
  CASE_REFERENCE_HEADER,
  type ResponseSpec,
  ROUTES,
} from './contract.js';
import { SCHEMAS, type SchemaName } from './schemas.js';

function toComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toComponentRefs);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$schema' || key === '$id') continue;
    out[key] =
      key === '$ref' && typeof inner === 'string' && inner.endsWith('.json')
        ? `#/components/schemas/${inner.slice(0, -'.json'.length)}`
        : toComponentRefs(inner);
  }
  return out;
}

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

/** Problem documents (and batch results with per-item problems) name their language. */
const CONTENT_LANGUAGE = {
  description: 'The language of the texts: the lang cookie, else the best Accept-Language match, else en',
  schema: { type: 'string', enum: [...LOCALES] },
};

const SECURITY: Record<Access, Record<string, string[]>[] | undefined> = {
  public: [],
  session: [{ session: [] }],
  'enrollment-or-session': [{ session: [] }],
  flow: [],
  'api-key': undefined,
  regulator: undefined,
  'regulator-or-subject': undefined,
  operator: [{ operatorToken: [] }],
};

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No content',
  302: 'Redirect',
  303: 'Redirect (see other)',
  304: 'Not modified',
  503: 'Unavailable',
};

function response(status: number, spec: ResponseSpec) {
  const description = STATUS_TEXT[status] ?? String(status);
  if (spec === 'empty' || spec === 'redirect') return { description };
  const variants = Array.isArray(spec) ? spec : [spec];
  const content: Record<string, { schema: unknown }> = {};
  const names = variants.filter((v): v is SchemaName => typeof v === 'string');
  if (names.length === 1) content['application/json'] = { schema: ref(names[0]!) };
  if (names.length > 1) content['application/json'] = { schema: { oneOf: names.map(ref) } };
  for (const variant of variants) {
    if (typeof variant === 'object') content[variant.mediaType] = { schema: { type: 'string' } };
  }
  return { description, content };
}

// Sent by regulator systems on every lookup and action; the console sends its officer's
// open case instead (docs/regulator.md). Both are written into the access's audit entry.
const ACCESS_PURPOSE_HEADERS = [
  {
    name: ACCESS_PURPOSE_HEADER,
    in: 'header',
    required: true,
    description: 'Why the person is looked up or acted on. Refused with access-purpose-required when absent.',
    schema: { type: 'string', enum: [...PURPOSE_CODES] },
  },
  {
    name: CASE_REFERENCE_HEADER,
    in: 'header',
    required: true,
    description: 'The case file the access serves, as the agency numbers it (printable ASCII, 1–64).',
    schema: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9]([A-Za-z0-9 ./#:_-]{0,62}[A-Za-z0-9])?$',
    },
  },
];

export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: Record<string, unknown>[] = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.purposeBound) parameters.push(...ACCESS_PURPOSE_HEADERS);
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses))
      responses[status] = response(Number(status), spec);
    responses['4XX'] = {
      description:
        'Refused: RFC 9457 problem details, with title and detail in the language Accept-Language asks for (kk, ru or en; English otherwise). The type and the extensions are the same in every language.',
      headers: { 'Content-Language': CONTENT_LANGUAGE },
      content: { 'application/problem+json': { schema: ref('problem') } },
    };
    const scopes = route.scope ? [route.scope] : [];
    const security =
      route.access === 'api-key'
        ? [{ apiKey: scopes }]
        : route.access === 'regulator' || route.access === 'regulator-or-subject'
          ? [{ session: [] }, { apiKey: scopes }]
          : SECURITY[route.access];
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.request
        ? { requestBody: { required: true, content: { 'application/json': { schema: ref(route.request) } } } }
        : {}),
      responses,
      ...(security !== undefined ? { security } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'wallet-attest',
      version: '1',
      description:
        'Identity-linked wallet attestations: citizens link accounts, exchanges look them up, regulators act.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(SCHEMAS).map(([name, schema]) => [name, toComponentRefs(schema)]),
      ),
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: '__Host-wa_session' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'Exchange API key: wa_<prefix>_<secret>' },
        operatorToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The operator token whose SHA-256 is OPERATOR_TOKEN_SHA256 (npm run cli -- operator token)',
        },
      },
    },
  };
}
