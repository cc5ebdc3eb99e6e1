// No answer an exchange can get carries the person behind an account. A citizen of known
// names, national ID, birth date and identity ID signs in through the dev IdP and links an
// account; an exchange looks it up (alone and in a batch), matches it against the national
// ID, registers a webhook that a regulator's suspension then triggers, and reads the status
// list, the published documents and the public log. Every answer (headers, body, JWT
// payloads, hex-encoded EIP-712 data) and the webhook delivery are searched for the person's
// data. Which operations an exchange can call comes from /openapi.json: every one of them
// must be exercised here, and every other one, called with the exchange's key, is refused
// without giving anything away.
import { decodeJwt } from 'jose';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../src/crypto/tokens.js';
import { TEST_PERSONS } from '../../src/http/devIdp/testPersons.js';
import { deliverDueWebhooks } from '../../src/services/webhooks.js';
import { tileIndex } from '../audit/independentTlog.js';
import { apiClient, webhookReceiver } from '../exchange/exchangeFlow.js';
import { accessHeaders } from '../helpers/regulatorAccess.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { enrolledCitizen, json } from '../http/citizenFlow.js';
import { linkEoa } from '../http/walletFlow.js';
import { type PersonalForm, personalDataIn, personalDataInRequest, personalForms } from './personalData.js';

/** The scopes an exchange's API client may hold; the others are regulators' (apiKeys.ts). */
const EXCHANGE_SCOPES = ['attestations:read', 'identity:match', 'webhooks:manage'];
const REGULATOR_SCOPES = ['regulator:read', 'regulator:act'];

const person = TEST_PERSONS[0]!;
const OTHER_PERSON = TEST_PERSONS[1]!;
const UNBOUND = 'eip155:1:0x000000000000000000000000000000000000dEaD';

interface OpenApiOperation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
}
type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

/** Anyone may call it (no security, or an empty requirement), or an exchange's key may. */
function exchangeReachable(operation: OpenApiOperation): boolean {
  if (operation.security === undefined || operation.security.length === 0) return true;
  return operation.security.some(
    (requirement) =>
      Object.keys(requirement).length === 0 ||
      requirement.apiKey?.every((scope) => EXCHANGE_SCOPES.includes(scope)) === true,
  );
}

interface Answer {
  operation: string;
  status: number;
  headers: Headers;
  body: Uint8Array;
}

let server: TestServer;
let citizen: TestBrowser;
let forms: PersonalForm[];
let exchangeKey: string;
let regulatorKey: string;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
let account: string;
let bindingId: string;
let document: OpenApiDocument;
/** The operations (`GET /v1/attestations/{account}`) the suite has called, as the exchange. */
const exercised = new Set<string>();

/**
 * Calls an operation as the exchange (its Bearer key, no cookies), records it as exercised,
 * and fails on any of the person's data in the answer.
 */
async function asExchange(
  operation: string,
  path: string,
  init: { body?: unknown; text?: string; headers?: Record<string, string>; key?: string | null } = {},
): Promise<Answer> {
  const method = operation.split(' ')[0]!;
  const key = init.key === undefined ? exchangeKey : init.key;
  const headers: Record<string, string> = {
    ...(key ? { authorization: `Bearer ${key}` } : {}),
    ...init.headers,
  };
  let body: string | undefined;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  } else if (init.text !== undefined) {
    body = init.text;
    headers['content-type'] ??= 'text/plain';
  }
  const response = await fetch(`${server.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
  const answer = {
    operation,
    status: response.status,
    headers: response.headers,
    body: new Uint8Array(await response.arrayBuffer()),
  };
  exercised.add(operation);
  expect(
    personalDataIn(forms, answer.headers, answer.body),
    `${operation} (${path}) → ${answer.status}`,
  ).toEqual([]);
  return answer;
}

const text = (answer: Answer) => Buffer.from(answer.body).toString('utf8');
const parsed = <T = Record<string, unknown>>(answer: Answer) => JSON.parse(text(answer)) as T;

beforeAll(async () => {
  // With the operator API on, so that its routes too must refuse the exchange's key.
  server = await startTestServer({ OPERATOR_TOKEN_SHA256: await hashToken(newToken(32)) });
  citizen = server.browser();
  await enrolledCitizen(citizen, person.nationalId, server.baseUrl);
  const me = await json<{
    identity: { id: string; givenName?: string; familyName?: string; birthDate?: string };
  }>(await citizen.get('/v1/me?reveal=nationalId'));
  // The service holds the person's data, so an answer could carry it.
  expect(me.identity).toMatchObject({
    givenName: person.givenName,
    familyName: person.familyName,
    birthDate: person.birthDate,
    nationalId: person.nationalId,
  });
  const stored = await server.assembled.db
    .selectFrom('identities')
    .select(['national_id_hash', 'webauthn_user_id'])
    .where('id', '=', me.identity.id)
    .executeTakeFirstOrThrow();
  forms = personalForms(
    { ...person, identityId: me.identity.id },
    // Stable across exchanges, so as telling as the ID itself.
    { 'national ID hash': stored.national_id_hash, 'WebAuthn user handle': stored.webauthn_user_id },
  );
  const binding = await linkEoa(citizen, privateKeyToAccount(generatePrivateKey()));
  account = binding.account;
  bindingId = binding.id;
  exchangeKey = (await apiClient(server, EXCHANGE_SCOPES)).key;
  regulatorKey = (await apiClient(server, REGULATOR_SCOPES)).key;
  receiver = await webhookReceiver(server.clock);
  const served = await fetch(`${server.baseUrl}/openapi.json`);
  expect(served.status).toBe(200);
  document = (await served.json()) as OpenApiDocument;
});
afterAll(async () => {
  await receiver?.close();
  await server?.close();
});

describe('the search for personal data', () => {
  it('finds the person in the citizen’s own answer, in a JWT payload and in hex', async () => {
    const me = await citizen.get('/v1/me');
    expect(personalDataIn(forms, me.headers, new Uint8Array(await me.arrayBuffer()))).toEqual(
      expect.arrayContaining([
        'given name',
        'family name',
        'birth date (ISO)',
        'identity ID',
        'national ID hint',
      ]),
    );
    const payload = Buffer.from(JSON.stringify({ sub: person.nationalId })).toString('base64url');
    const hex = Buffer.from(`${person.familyName}/${person.birthDate.replaceAll('-', '')}`).toString('hex');
    const hidden = `{"jwt":"eyJhbGciOiJFUzI1NiJ9.${payload}.c2lnbmF0dXJl","data":"0x${hex}"}`;
    expect(personalDataIn(forms, [], new TextEncoder().encode(hidden))).toEqual([
      'national ID',
      'family name',
      'birth date (YYYYMMDD)',
    ]);
  });
});

describe('exchange answers', () => {
  it('registers a webhook, and lists and reads it', async () => {
    const created = await asExchange('POST /v1/webhooks', '/v1/webhooks', {
      body: { url: receiver.url, description: 'status feed' },
    });
    expect(created.status).toBe(201);
    const { webhook, secret } = parsed<{ webhook: { id: string }; secret: string }>(created);
    receiver.setSecret(secret);
    expect((await asExchange('GET /v1/webhooks', '/v1/webhooks')).status).toBe(200);
    expect((await asExchange('GET /v1/webhooks/{id}', `/v1/webhooks/${webhook.id}`)).status).toBe(200);
  });

  it('looks the account up, with its attestation as JWT and EIP-712', async () => {
    const answer = await asExchange('GET /v1/attestations/{account}', `/v1/attestations/${account}`);
    expect(answer.status).toBe(200);
    const lookup = parsed<{
      status: string;
      holder: string;
      attestation: { jwt: string; eip712?: { sig: { message: { data: string } } } };
    }>(answer);
    expect(lookup.status).toBe('active');
    // What the JWT says, read here as any verifier would: the account, not the person.
    const claims = decodeJwt(lookup.attestation.jwt);
    expect(claims).toMatchObject({ sub: account, country: 'KZ' });
    expect(Object.keys(claims).sort()).toEqual(
      ['country', 'exp', 'iat', 'iss', 'jti', 'level', 'method', 'nbf', 'status', 'sub'].sort(),
    );
    expect(lookup.attestation.eip712?.sig.message.data).toMatch(/^0x[0-9a-f]+$/);
    // An unlinked account and a malformed one.
    expect((await asExchange('GET /v1/attestations/{account}', `/v1/attestations/${UNBOUND}`)).status).toBe(
      200,
    );
    expect(
      (await asExchange('GET /v1/attestations/{account}', '/v1/attestations/not-an-account')).status,
    ).toBe(422);
  });

  it('answers a batch query', async () => {
    const answer = await asExchange('POST /v1/attestations/query', '/v1/attestations/query', {
      body: { accounts: [account, UNBOUND, 'not-an-account'] },
    });
    expect(answer.status).toBe(200);
    const { results } = parsed<{ results: { status?: string; error?: unknown }[] }>(answer);
    expect(results.map((r) => r.status ?? 'error')).toEqual(['active', 'none', 'error']);
  });

  it('answers a match without saying the national ID back', async () => {
    const match = (nationalId: string, of = account) =>
      asExchange('POST /v1/attestations/match', '/v1/attestations/match', {
        body: { account: of, nationalId },
      });
    expect(parsed(await match(person.nationalId))).toEqual({ match: true, status: 'active' });
    expect(parsed(await match(OTHER_PERSON.nationalId))).toEqual({ match: false });
    // Refusals name the field, not its value.
    expect((await match(person.nationalId, 'not-an-account')).status).toBe(422);
    expect((await match(`${person.nationalId.slice(0, 11)}x`)).status).toBe(422);
  });

  it('after a regulator’s suspension: a webhook delivery, the new status, the delivery log', async () => {
    await server.assembled.services.queryLog.flush();
    const suspension = await fetch(`${server.baseUrl}/v1/regulator/suspensions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${regulatorKey}`,
        'content-type': 'application/json',
        ...accessHeaders(),
      },
      body: JSON.stringify({
        target: { account },
        reason: 'fraud',
        legalReference: 'Court of Astana, 2-1234/2026',
      }),
    });
    expect(suspension.status, await suspension.clone().text()).toBe(200);
    expect(await deliverDueWebhooks(server.assembled.services, fetch)).toMatchObject({ delivered: 1 });
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery!.verified).toBe(true);
    expect(JSON.parse(delivery!.body)).toMatchObject({
      type: 'account.status_changed',
      data: { account, status: 'suspended', previousStatus: 'active', reason: 'fraud' },
    });
    expect(personalDataInRequest(forms, delivery!.headers, delivery!.body)).toEqual([]);

    const lookup = parsed<{ status: string }>(
      await asExchange('GET /v1/attestations/{account}', `/v1/attestations/${account}`),
    );
    expect(lookup.status).toBe('suspended');
    const matched = await asExchange('POST /v1/attestations/match', '/v1/attestations/match', {
      body: { account, nationalId: person.nationalId },
    });
    expect(parsed(matched)).toEqual({ match: true, status: 'suspended' });

    const { webhooks } = parsed<{ webhooks: { id: string }[] }>(
      await asExchange('GET /v1/webhooks', '/v1/webhooks'),
    );
    const id = webhooks[0]!.id;
    const log = await asExchange('GET /v1/webhooks/{id}/deliveries', `/v1/webhooks/${id}/deliveries`);
    expect(parsed<{ deliveries: { status: string }[] }>(log).deliveries).toEqual([
      expect.objectContaining({ status: 'delivered' }),
    ]);
    expect((await asExchange('DELETE /v1/webhooks/{id}', `/v1/webhooks/${id}`)).status).toBe(204);
    expect((await asExchange('GET /v1/webhooks/{id}', `/v1/webhooks/${id}`)).status).toBe(404);
  });

  it('serves the status list, and its 304', async () => {
    const lookup = parsed<{ attestation: { statusList: { uri: string; idx: number } } }>(
      await asExchange('GET /v1/attestations/{account}', `/v1/attestations/${account}`),
    );
    const path = new URL(lookup.attestation.statusList.uri).pathname;
    expect(path).toMatch(/^\/v1\/status-lists\/[^/]+$/);
    const list = await asExchange('GET /v1/status-lists/{id}', path, { key: null });
    expect(list.status).toBe(200);
    expect(decodeJwt(text(list))).toHaveProperty('status_list');
    const etag = list.headers.get('etag')!;
    expect(
      (await asExchange('GET /v1/status-lists/{id}', path, { key: null, headers: { 'if-none-match': etag } }))
        .status,
    ).toBe(304);
  });

  it('serves the published documents, health and metrics', async () => {
    for (const path of ['/.well-known/jwks.json', '/.well-known/wallet-attestation', '/openapi.json']) {
      expect((await asExchange(`GET ${path}`, path, { key: null })).status).toBe(200);
    }
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await asExchange(`GET ${path}`, path)).status).toBe(200);
    }
  });

  it('serves the sign-in routes anyone may call, without a citizen’s flow behind them', async () => {
    await asExchange('GET /v1/identity/oidc/start', '/v1/identity/oidc/start?source=dev');
    await asExchange('GET /v1/identity/oidc/callback', '/v1/identity/oidc/callback?code=x&state=y');
    await asExchange('POST /v1/identity/x509/challenge', '/v1/identity/x509/challenge');
    await asExchange('POST /v1/identity/x509/verify', '/v1/identity/x509/verify', { body: { cms: 'AAAA' } });
    await asExchange('POST /v1/identity/egov-mobile', '/v1/identity/egov-mobile');
    await asExchange('GET /v1/identity/egov-mobile/{id}', '/v1/identity/egov-mobile/unknown');
    await asExchange('POST /v1/identity/egov-mobile/{id}/verify', '/v1/identity/egov-mobile/unknown/verify');
    await asExchange('POST /v1/webauthn/authentication/options', '/v1/webauthn/authentication/options');
    await asExchange('POST /v1/webauthn/authentication/verify', '/v1/webauthn/authentication/verify', {
      body: {},
    });
  });
});

describe('the public audit log', () => {
  it('serves checkpoints, proofs, tiles and entry bundles of chain hashes only', async () => {
    const checkpoint = await asExchange('GET /log/checkpoint', '/log/checkpoint', { key: null });
    expect(checkpoint.status).toBe(200);
    const size = Number(text(checkpoint).split('\n')[1]);
    expect(size).toBeGreaterThan(3);
    const entries: string[] = [];
    for (let n = 0; n * 256 < size; n++) {
      const width = Math.min(256, size - n * 256);
      const suffix = `${tileIndex(n)}${width < 256 ? `.p/${width}` : ''}`;
      expect((await asExchange('GET /log/tile/*', `/log/tile/0/${suffix}`, { key: null })).status).toBe(200);
      const bundle = Buffer.from(
        (await asExchange('GET /log/tile/*', `/log/tile/entries/${suffix}`, { key: null })).body,
      );
      for (let at = 0; at < bundle.length; at += 2 + bundle.readUInt16BE(at)) {
        entries.push(bundle.subarray(at + 2, at + 2 + bundle.readUInt16BE(at)).toString('utf8'));
      }
    }
    // An entry of the log is the audit entry's chain hash: the entry itself stays behind its access rules.
    expect(entries).toHaveLength(size);
    for (const entry of entries) expect(entry).toMatch(/^[0-9a-f]{64}$/);

    expect((await asExchange('GET /v1/audit/checkpoint', '/v1/audit/checkpoint')).status).toBe(200);
    const proof = await asExchange(
      'GET /v1/audit/consistency',
      `/v1/audit/consistency?first=1&second=${size}`,
    );
    expect(proof.status).toBe(200);
    // Not a witness: refused.
    expect(
      (await asExchange('POST /log/cosignature', '/log/cosignature', { text: 'not a cosigned checkpoint\n' }))
        .status,
    ).toBeGreaterThanOrEqual(400);
  });

  it('keeps national IDs, names and birth dates out of the audit entries (identity IDs are in them)', async () => {
    const answer = await citizen.get('/v1/me/audit');
    expect(answer.status).toBe(200);
    const found = personalDataIn(forms, answer.headers, new Uint8Array(await answer.arrayBuffer()));
    // The entries name the identity they are about, by its ID (actor and subject): how a
    // citizen and a regulator find them. Nothing else of the person is written there.
    expect(found).toEqual(['identity ID']);
  });
});

describe('what an exchange can reach', () => {
  /** Values for the path parameters of operations an exchange cannot call. */
  const PARAMETERS = (name: string): string => {
    const values: Record<string, string> = { account, bindingId, id: bindingId, seq: '1' };
    const value = values[name];
    if (value === undefined) throw new Error(`No test value for the path parameter ${name}`);
    return encodeURIComponent(value);
  };

  it('knows every API key scope of the document as an exchange’s or a regulator’s', () => {
    const scopes = new Set<string>();
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        for (const requirement of operation.security ?? [])
          for (const scope of requirement.apiKey ?? []) scopes.add(scope);
      }
    }
    expect([...scopes].filter((scope) => ![...EXCHANGE_SCOPES, ...REGULATOR_SCOPES].includes(scope))).toEqual(
      [],
    );
  });

  it('refuses the exchange’s key everywhere else, and the refusal gives nothing away', async () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (exchangeReachable(operation)) continue;
        const concrete = path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => PARAMETERS(name));
        const name = `${method.toUpperCase()} ${path}`;
        const body = ['post', 'patch'].includes(method) ? {} : undefined;
        const answer = await asExchange(name, concrete, { body, headers: accessHeaders() });
        expect([401, 403], `${name} → ${answer.status}: ${text(answer)}`).toContain(answer.status);
      }
    }
  });

  // Last: the tests above are what exercises the operations.
  it('has exercised every operation an exchange can call', () => {
    const reachable = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => exchangeReachable(operation))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(reachable.length).toBeGreaterThan(20);
    expect(reachable.filter((operation) => !exercised.has(operation))).toEqual([]);
  });
});
