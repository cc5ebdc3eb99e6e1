// The offline verifier against tokens minted here with jose, and status lists served by a
// fake fetch: every refusal the verifier promises, each of which would pass if its check
// were removed.
import { createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeStatusList, StatusList } from '../../src/domain/status/statusList.js';
import { StatusListCache, type VerifyOptions, verifyWalletAttestation } from '../../src/verifier/index.js';

const ISSUER = 'https://attest.example.kz';
const LIST_URI = `${ISSUER}/v1/status-lists/list-1`;
const NOW = new Date('2026-11-22T12:00:00Z');
const iat = Math.floor(NOW.getTime() / 1000) - 3600;

type Key = { privateKey: CryptoKey; jwk: JWK };
let es256: Key;
let ed25519: Key;
let stranger: Key;

async function key(alg: 'ES256' | 'EdDSA', kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    privateKey: privateKey as CryptoKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

beforeAll(async () => {
  es256 = await key('ES256', 'k-es256');
  ed25519 = await key('EdDSA', 'k-ed25519');
  stranger = await key('ES256', 'k-es256'); // same kid, different key
});

const claims = (overrides: Record<string, unknown> = {}): JWTPayload => ({
  iss: ISSUER,
  sub: 'eip155:1:0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B',
  jti: 'jti-1',
  iat,
  nbf: iat,
  exp: iat + 365 * 24 * 3600,
  country: 'KZ',
  level: 'substantial',
  method: 'eip191',
  status: { status_list: { idx: 3, uri: LIST_URI } },
  ...overrides,
});

function sign(payload: JWTPayload, signer: Key = es256, header: Record<string, unknown> = {}) {
  return new SignJWT(payload)
    .setProtectedHeader({
      alg: signer.jwk.alg!,
      typ: 'wallet-attestation+jwt',
      kid: signer.jwk.kid!,
      ...header,
    })
    .sign(signer.privateKey);
}

async function statusListToken(
  statuses: Record<number, number>,
  overrides: Record<string, unknown> = {},
  signer = es256,
) {
  const list = new StatusList(16, 2);
  for (const [index, value] of Object.entries(statuses)) list.set(Number(index), value);
  return new SignJWT({
    iss: ISSUER,
    sub: LIST_URI,
    iat,
    exp: iat + 7200,
    ttl: 300,
    status_list: await encodeStatusList(list),
    ...overrides,
  })
    .setProtectedHeader({ alg: signer.jwk.alg!, typ: 'statuslist+jwt', kid: signer.jwk.kid! })
    .sign(signer.privateKey);
}

function serving(body: string | (() => Response | Promise<Response>)): VerifyOptions['fetch'] {
  return (async (input: RequestInfo | URL) => {
    if (String(input) !== LIST_URI) return new Response('not found', { status: 404 });
    return typeof body === 'string'
      ? new Response(body, { headers: { 'content-type': 'application/statuslist+jwt' } })
      : body();
  }) as typeof fetch;
}

async function check(token: string, fetchImpl?: VerifyOptions['fetch'], extra: Partial<VerifyOptions> = {}) {
  return verifyWalletAttestation(token, {
    issuer: ISSUER,
    jwks: { keys: [es256.jwk, ed25519.jwk] },
    fetch: fetchImpl ?? serving(await statusListToken({})),
    now: NOW,
    ...extra,
  });
}

function unsigned(header: Record<string, unknown>, payload: JWTPayload): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.`;
}

describe('verifyWalletAttestation', () => {
  it('reports valid, revoked and suspended from the status list', async () => {
    const token = await sign(claims());
    expect(await check(token)).toMatchObject({ status: 'valid', claims: { sub: claims().sub } });
    expect(await check(token, serving(await statusListToken({ 3: 1 })))).toMatchObject({ status: 'revoked' });
    expect(await check(token, serving(await statusListToken({ 3: 2 })))).toMatchObject({
      status: 'suspended',
    });
    expect(await check(token, serving(await statusListToken({ 3: 3 })))).toMatchObject({
      status: 'invalid',
      code: 'status-unknown',
    });
    // Neighbouring entries do not leak into this one.
    expect(await check(token, serving(await statusListToken({ 2: 1, 4: 2 })))).toMatchObject({
      status: 'valid',
    });
  });

  it('accepts EdDSA tokens', async () => {
    expect(await check(await sign(claims(), ed25519))).toMatchObject({ status: 'valid' });
  });

  it('reports an expired token as expired, not invalid', async () => {
    const token = await sign(claims({ exp: iat + 60 }));
    expect(await check(token)).toMatchObject({ status: 'expired' });
  });

  it.each([
    ['a wrong typ', async () => sign(claims(), es256, { typ: 'JWT' }), 'typ'],
    ['no typ', async () => sign(claims(), es256, { typ: undefined }), 'typ'],
    [
      'alg none',
      async () => unsigned({ alg: 'none', typ: 'wallet-attestation+jwt', kid: 'k-es256' }, claims()),
      'alg',
    ],
    [
      'HS256 keyed with the public key',
      async () => {
        const header = { alg: 'HS256', typ: 'wallet-attestation+jwt', kid: 'k-es256' };
        const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}`;
        const mac = createHmac('sha256', JSON.stringify(es256.jwk)).update(input).digest('base64url');
        return `${input}.${mac}`;
      },
      'alg',
    ],
    ['an unknown kid', async () => sign(claims(), es256, { kid: 'k-unknown' }), 'kid'],
    ['no kid', async () => sign(claims(), es256, { kid: undefined }), 'kid'],
    ['a key that is not the issuer’s (same kid)', async () => sign(claims(), stranger), 'signature'],
    [
      'a flipped signature byte',
      async () => {
        const token = await sign(claims());
        const [h, p, s] = token.split('.') as [string, string, string];
        const bytes = Buffer.from(s, 'base64url');
        bytes[5] = bytes[5]! ^ 1;
        return `${h}.${p}.${bytes.toString('base64url')}`;
      },
      'signature',
    ],
    ['another issuer', async () => sign(claims({ iss: 'https://evil.example' })), 'issuer'],
    ['nbf in the future', async () => sign(claims({ nbf: iat + 86400 * 2 })), 'not-yet-valid'],
    [
      'iat in the future',
      async () => sign(claims({ iat: iat + 86400 * 2, nbf: undefined })),
      'not-yet-valid',
    ],
    ['no status claim', async () => sign(claims({ status: undefined })), 'claims'],
    [
      'a negative status index',
      async () => sign(claims({ status: { status_list: { idx: -1, uri: LIST_URI } } })),
      'claims',
    ],
    ['an unknown level', async () => sign(claims({ level: 'gold' })), 'claims'],
    ['no sub', async () => sign(claims({ sub: undefined })), 'claims'],
    ['garbage', async () => 'not.a.jwt', 'malformed'],
  ])('refuses %s', async (_what, make, code) => {
    expect(await check(await make())).toMatchObject({ status: 'invalid', code });
  });

  it.each([
    [
      'a status list for another URI',
      async () => serving(await statusListToken({}, { sub: `${ISSUER}/v1/status-lists/other` })),
      'status-list-invalid',
    ],
    [
      'a status list from another issuer',
      async () => serving(await statusListToken({}, { iss: 'https://evil.example' })),
      'status-list-invalid',
    ],
    [
      'a status list signed by an unknown key',
      async () => serving(await statusListToken({}, {}, stranger)),
      'status-list-invalid',
    ],
    [
      'an expired status list',
      async () => serving(await statusListToken({}, { exp: iat + 60 })),
      'status-list-invalid',
    ],
    [
      'a status list with the attestation typ',
      async () => serving(await sign({ sub: LIST_URI, iat, status_list: { bits: 2, lst: 'eJwDAAAAAAE' } })),
      'status-list-invalid',
    ],
    [
      'a status list that answers 500',
      async () => serving(() => new Response('oops', { status: 500 })),
      'status-unavailable',
    ],
    [
      'a network failure',
      async () =>
        serving(() => {
          throw new TypeError('fetch failed');
        }),
      'status-unavailable',
    ],
  ])('refuses %s', async (_what, makeFetch, code) => {
    expect(await check(await sign(claims()), await makeFetch())).toMatchObject({ status: 'invalid', code });
  });

  it('refuses an index beyond the list', async () => {
    const token = await sign(claims({ status: { status_list: { idx: 64, uri: LIST_URI } } }));
    expect(await check(token)).toMatchObject({ status: 'invalid', code: 'status-unknown' });
  });

  it('reuses a cached status list within its ttl', async () => {
    let fetches = 0;
    const listToken = await statusListToken({});
    const counting = serving(() => {
      fetches++;
      return new Response(listToken);
    });
    const cache = new StatusListCache();
    const token = await sign(claims());
    await check(token, counting, { cache });
    await check(token, counting, { cache });
    expect(fetches).toBe(1);
    await check(token, counting, { cache, now: new Date(NOW.getTime() + 301_000) });
    expect(fetches).toBe(2);
  });
});
