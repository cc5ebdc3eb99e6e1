// The offline verifier against tokens minted here with jose and status lists served by a
// fake fetch (a plain function from URL to Response: the network edge). Each refusal
// asserts its reason code, so removing the check behind it fails its test.
import {
  CompactSign,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeStatusList, StatusList } from '../../src/domain/status/statusList.js';
import {
  type InvalidResult,
  type JSONWebKeySet,
  StatusListCache,
  type VerificationResult,
  type VerifyOptions,
  verifyWalletAttestation,
} from '../../src/verifier/index.js';

const ISSUER = 'https://attest.example.kz';
const LIST_URI = `${ISSUER}/v1/status-lists/list-1`;
const NOW = new Date('2026-11-22T12:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);
const iat = now - 3600;
const ACCOUNT = 'eip155:1:0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B';

type Key = { privateKey: CryptoKey; publicKey: CryptoKey; jwk: JWK; alg: 'ES256' | 'EdDSA'; kid: string };
let es256: Key;
let ed25519: Key;
/** Another key under the issuer's ES256 kid. */
let impostor: Key;
/** A key under a kid the issuer's JWKS does not hold. */
let outsider: Key;
let JWKS: JSONWebKeySet;

async function key(alg: 'ES256' | 'EdDSA', kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicKey, alg, kid, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

beforeAll(async () => {
  es256 = await key('ES256', 'k-es256');
  ed25519 = await key('EdDSA', 'k-ed25519');
  impostor = await key('ES256', 'k-es256');
  outsider = await key('ES256', 'k-outsider');
  JWKS = { keys: [es256.jwk, ed25519.jwk] };
});

const claims = (overrides: Record<string, unknown> = {}): JWTPayload => {
  const payload: Record<string, unknown> = {
    iss: ISSUER,
    sub: ACCOUNT,
    jti: 'jti-1',
    iat,
    nbf: iat,
    exp: iat + 365 * 24 * 3600,
    country: 'KZ',
    level: 'substantial',
    method: 'eip191',
    status: { status_list: { idx: 3, uri: LIST_URI } },
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete payload[name];
    else payload[name] = value;
  }
  return payload;
};

function header(signer: Key, typ: string, overrides: Record<string, unknown>) {
  const result: Record<string, unknown> = { alg: signer.alg, typ, kid: signer.kid };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result as { alg: string };
}

function sign(payload: JWTPayload, signer: Key = es256, headerOverrides: Record<string, unknown> = {}) {
  return new SignJWT(payload)
    .setProtectedHeader(header(signer, 'wallet-attestation+jwt', headerOverrides))
    .sign(signer.privateKey);
}

interface ListToken {
  statuses?: Record<number, number>;
  claims?: Record<string, unknown>;
  signer?: Key;
  header?: Record<string, unknown>;
  size?: number;
}

async function listToken({
  statuses = {},
  claims = {},
  signer = es256,
  header: h = {},
  size = 16,
}: ListToken = {}) {
  const list = new StatusList(size, 2);
  for (const [index, value] of Object.entries(statuses)) list.set(Number(index), value);
  const payload: Record<string, unknown> = {
    iss: ISSUER,
    sub: LIST_URI,
    iat,
    exp: now + 3600,
    ttl: 300,
    status_list: await encodeStatusList(list),
  };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) delete payload[name];
    else payload[name] = value;
  }
  return new SignJWT(payload).setProtectedHeader(header(signer, 'statuslist+jwt', h)).sign(signer.privateKey);
}

/** A fetch serving one URL; it records every request it gets. */
function serve(answer: string | (() => Response | Promise<Response>), uri = LIST_URI) {
  const requests: { url: string; accept: string | null }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(input), accept: new Headers(init?.headers).get('accept') });
    if (String(input) !== uri) return new Response('not found', { status: 404 });
    if (typeof answer !== 'string') return answer();
    return new Response(answer, { headers: { 'content-type': 'application/statuslist+jwt' } });
  }) as typeof globalThis.fetch;
  return Object.assign(fetch, { requests });
}

async function verify(token: string, options: Partial<VerifyOptions> = {}): Promise<VerificationResult> {
  return verifyWalletAttestation(token, {
    issuer: ISSUER,
    jwks: JWKS,
    fetch: serve(await listToken()),
    now: NOW,
    ...options,
  });
}

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('a genuine attestation', () => {
  it('is valid when its entry is 0, and comes back with its claims', async () => {
    const fetch = serve(await listToken({ statuses: { 2: 1, 4: 2 } })); // neighbours do not leak
    const result = await verify(await sign(claims()), { fetch });
    expect(result).toEqual({ status: 'valid', claims: claims() });
    expect(fetch.requests).toEqual([{ url: LIST_URI, accept: 'application/statuslist+jwt' }]);
  });

  it('is revoked at 1 and suspended at 2', async () => {
    const token = await sign(claims());
    expect(await verify(token, { fetch: serve(await listToken({ statuses: { 3: 1 } })) })).toMatchObject({
      status: 'revoked',
      claims: { sub: ACCOUNT },
    });
    expect(await verify(token, { fetch: serve(await listToken({ statuses: { 3: 2 } })) })).toMatchObject({
      status: 'suspended',
      claims: { sub: ACCOUNT },
    });
  });

  it('is invalid at a status value without meaning (3)', async () => {
    const fetch = serve(await listToken({ statuses: { 3: 3 } }));
    expect(await verify(await sign(claims()), { fetch })).toMatchObject({
      status: 'invalid',
      code: 'status-unknown',
    });
  });

  it('verifies with EdDSA too (attestation and status list)', async () => {
    const fetch = serve(await listToken({ signer: ed25519, statuses: { 3: 2 } }));
    expect(await verify(await sign(claims(), ed25519), { fetch })).toMatchObject({ status: 'suspended' });
    expect(await verify(await sign(claims(), ed25519))).toMatchObject({ status: 'valid' });
  });

  it('accepts the typ in any case and with the application/ prefix', async () => {
    for (const typ of ['application/wallet-attestation+jwt', 'Wallet-Attestation+JWT']) {
      expect(await verify(await sign(claims(), es256, { typ }))).toMatchObject({ status: 'valid' });
    }
    const fetch = serve(await listToken({ header: { typ: 'application/statuslist+jwt' } }));
    expect(await verify(await sign(claims()), { fetch })).toMatchObject({ status: 'valid' });
  });

  it('takes the JWKS from a function', async () => {
    expect(await verify(await sign(claims()), { jwks: async () => JWKS })).toMatchObject({ status: 'valid' });
  });

  it('tolerates clock skew up to clockToleranceSeconds (default 60)', async () => {
    const skewed = await sign(claims({ iat: now + 50, nbf: now + 50 }));
    expect(await verify(skewed)).toMatchObject({ status: 'valid' });
    expect(await verify(skewed, { clockToleranceSeconds: 0 })).toMatchObject({
      status: 'invalid',
      code: 'not-yet-valid',
    });
    expect(await verify(await sign(claims({ exp: now - 50 })))).toMatchObject({ status: 'valid' });
  });
});

describe('an expired attestation', () => {
  it('is expired (without consulting the status list) when otherwise valid', async () => {
    const fetch = serve(await listToken({ statuses: { 3: 1 } }));
    expect(await verify(await sign(claims({ exp: now - 61 })), { fetch })).toMatchObject({
      status: 'expired',
      claims: { sub: ACCOUNT, exp: now - 61 },
    });
    expect(fetch.requests).toHaveLength(0);
  });

  it('is invalid when anything else is wrong', async () => {
    const old = { exp: now - 3600 };
    expect(await verify(await sign(claims({ ...old, iss: 'https://evil.example' })))).toMatchObject({
      status: 'invalid',
      code: 'issuer',
    });
    expect(await verify(await sign(claims({ ...old, level: 'gold' })))).toMatchObject({ code: 'claims' });
    expect(await verify(await sign(claims(old), impostor))).toMatchObject({ code: 'signature' });
    expect(await verify(await sign(claims(old), es256, { typ: 'JWT' }))).toMatchObject({ code: 'typ' });
  });
});

describe('the header', () => {
  it.each([
    ['a wrong typ', 'JWT'],
    ['the status list typ', 'statuslist+jwt'],
    ['a typ with a suffix', 'wallet-attestation+jwt2'],
    ['no typ', undefined],
  ])('is refused with %s', async (_what, typ) => {
    expect(await verify(await sign(claims(), es256, { typ }))).toMatchObject({
      status: 'invalid',
      code: 'typ',
    });
  });

  it('is refused with alg none (an unsigned token)', async () => {
    const token = `${b64({ alg: 'none', typ: 'wallet-attestation+jwt', kid: 'k-es256' })}.${b64(claims())}.`;
    expect(await verify(token)).toMatchObject({ status: 'invalid', code: 'alg' });
  });

  it('is refused with HS256 keyed with the issuer’s public key (algorithm confusion)', async () => {
    const secrets = [
      new TextEncoder().encode(JSON.stringify(es256.jwk)),
      new TextEncoder().encode(await exportSPKI(es256.publicKey)),
      Buffer.from(es256.jwk.x!, 'base64url'),
    ];
    for (const secret of secrets) {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', typ: 'wallet-attestation+jwt', kid: 'k-es256' })
        .sign(secret);
      expect(await verify(token)).toMatchObject({ status: 'invalid', code: 'alg' });
    }
  });

  it('is refused with an algorithm outside the caller’s allow-list', async () => {
    expect(await verify(await sign(claims(), ed25519), { algorithms: ['ES256'] })).toMatchObject({
      status: 'invalid',
      code: 'alg',
    });
    expect(await verify(await sign(claims(), es256), { algorithms: ['ES256'] })).toMatchObject({
      status: 'valid',
    });
  });

  it('is refused with a kid the JWKS does not hold, even when a key in it made the signature', async () => {
    expect(await verify(await sign(claims(), es256, { kid: 'k-unknown' }))).toMatchObject({
      status: 'invalid',
      code: 'kid',
    });
    expect(await verify(await sign(claims(), outsider))).toMatchObject({ status: 'invalid', code: 'kid' });
  });

  it.each([
    ['no kid', undefined],
    ['an empty kid', ''],
    ['a numeric kid', 7],
  ])('is refused with %s', async (_what, kid) => {
    expect(await verify(await sign(claims(), es256, { kid }))).toMatchObject({
      status: 'invalid',
      code: 'kid',
    });
  });

  it('is refused when the kid names a key of another type than alg', async () => {
    // ES256 signature, kid of the Ed25519 key: no trying the other keys.
    expect(await verify(await sign(claims(), es256, { kid: 'k-ed25519' }))).toMatchObject({
      status: 'invalid',
      code: 'kid',
    });
  });

  it('is refused when the JWKS holds several keys under the kid', async () => {
    const jwks = { keys: [impostor.jwk, es256.jwk, ed25519.jwk] };
    expect(await verify(await sign(claims()), { jwks })).toMatchObject({ status: 'invalid', code: 'kid' });
  });
});

describe('the signature', () => {
  it('is refused when another key under the same kid made it', async () => {
    expect(await verify(await sign(claims(), impostor))).toMatchObject({
      status: 'invalid',
      code: 'signature',
    });
  });

  it('is refused with a flipped bit in the signature', async () => {
    const [h, p, s] = (await sign(claims())).split('.') as [string, string, string];
    const signature = Buffer.from(s, 'base64url');
    signature[10] = signature[10]! ^ 0x01;
    expect(await verify(`${h}.${p}.${signature.toString('base64url')}`)).toMatchObject({
      status: 'invalid',
      code: 'signature',
    });
  });

  it('is refused over a changed payload', async () => {
    const [h, , s] = (await sign(claims())).split('.') as [string, string, string];
    const tampered = `${h}.${b64(claims({ sub: 'eip155:1:0x0000000000000000000000000000000000000001' }))}.${s}`;
    expect(await verify(tampered)).toMatchObject({ status: 'invalid', code: 'signature' });
  });
});

describe('the claims', () => {
  it.each([
    ['another issuer', { iss: 'https://evil.example' }],
    ['the issuer with a trailing slash', { iss: `${ISSUER}/` }],
    ['no issuer', { iss: undefined }],
  ])('are refused with %s', async (_what, overrides) => {
    expect(await verify(await sign(claims(overrides)))).toMatchObject({ status: 'invalid', code: 'issuer' });
  });

  it.each([
    ['nbf', { nbf: now + 61 }],
    ['iat', { iat: now + 61 }],
  ])('are refused with %s in the future', async (_what, overrides) => {
    expect(await verify(await sign(claims(overrides)))).toMatchObject({
      status: 'invalid',
      code: 'not-yet-valid',
    });
  });

  it.each([
    ['no sub', { sub: undefined }],
    ['a sub that is not CAIP-10', { sub: '0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B' }],
    ['a numeric sub', { sub: 1 }],
    ['no jti', { jti: undefined }],
    ['an empty jti', { jti: '' }],
    ['a numeric jti', { jti: 42 }],
    ['no iat', { iat: undefined }],
    ['a string iat', { iat: String(iat) }],
    ['no nbf', { nbf: undefined }],
    ['a string nbf', { nbf: String(iat) }],
    ['no exp', { exp: undefined }],
    ['a string exp', { exp: 'never' }],
    ['no country', { country: undefined }],
    ['an alpha-3 country', { country: 'KAZ' }],
    ['a lower-case country', { country: 'kz' }],
    ['no level', { level: undefined }],
    ['an unknown level', { level: 'gold' }],
    ['no method', { method: undefined }],
    ['an unknown method', { method: 'sms' }],
    ['no status', { status: undefined }],
    ['a string status', { status: LIST_URI }],
    ['no status_list', { status: { idx: 3, uri: LIST_URI } }],
    ['no idx', { status: { status_list: { uri: LIST_URI } } }],
    ['a negative idx', { status: { status_list: { idx: -1, uri: LIST_URI } } }],
    ['a fractional idx', { status: { status_list: { idx: 1.5, uri: LIST_URI } } }],
    ['a string idx', { status: { status_list: { idx: '3', uri: LIST_URI } } }],
    ['no uri', { status: { status_list: { idx: 3 } } }],
    ['a uri that is not a URL', { status: { status_list: { idx: 3, uri: 'list-1' } } }],
    ['a non-HTTP uri', { status: { status_list: { idx: 3, uri: 'file:///etc/passwd' } } }],
  ])('are refused with %s', async (_what, overrides) => {
    expect(await verify(await sign(claims(overrides)))).toMatchObject({ status: 'invalid', code: 'claims' });
  });
});

describe('a malformed token', () => {
  it.each([
    ['garbage', 'not a jwt'],
    ['three garbage segments', 'not.a.jwt'],
    ['an empty string', ''],
    ['five segments (JWE)', 'a.b.c.d.e'],
  ])('is refused: %s', async (_what, token) => {
    expect(await verify(token)).toMatchObject({ status: 'invalid', code: 'malformed' });
  });

  it('is refused when the signed payload is not a JSON object', async () => {
    const token = await new CompactSign(new TextEncoder().encode('[1,2,3]'))
      .setProtectedHeader({ alg: 'ES256', typ: 'wallet-attestation+jwt', kid: 'k-es256' })
      .sign(es256.privateKey);
    expect(await verify(token)).toMatchObject({ status: 'invalid', code: 'malformed' });
  });
});

describe('the status list', () => {
  const refusedWith = async (code: string, answer: string | (() => Response | Promise<Response>)) =>
    expect(await verify(await sign(claims()), { fetch: serve(answer) })).toMatchObject({
      status: 'invalid',
      code,
    });

  it.each([
    [
      'a status list for another URI',
      () => ({ claims: { sub: `${ISSUER}/v1/status-lists/other` } }),
      /sub is/,
    ],
    ['a status list without sub', () => ({ claims: { sub: undefined } }), /sub is/],
    ['a status list from another issuer', () => ({ claims: { iss: 'https://evil.example' } }), /issued by/],
    ['a status list without iat', () => ({ claims: { iat: undefined } }), /iat is missing/],
    [
      'a status list without status_list',
      () => ({ claims: { status_list: undefined } }),
      /status_list claim is missing/,
    ],
    [
      'a status list with 3-bit entries',
      () => ({ claims: { status_list: { bits: 3, lst: 'eNo76fITAAPfAgc' } } }),
      /bits must be/,
    ],
    [
      'a status list with corrupt lst',
      () => ({ claims: { status_list: { bits: 2, lst: 'AAAAAAAA' } } }),
      /not a valid ZLIB stream/,
    ],
    ['a status list with a negative ttl', () => ({ claims: { ttl: -1 } }), /ttl must be/],
    ['a status list with a string ttl', () => ({ claims: { ttl: '300' } }), /ttl must be/],
    [
      'a status list signed by a key outside the JWKS',
      () => ({ signer: outsider }),
      /kid "k-outsider" is not in/,
    ],
    [
      'a status list signed by another key under the issuer’s kid',
      () => ({ signer: impostor }),
      /signature does not verify/,
    ],
    [
      'a status list with the attestation typ',
      () => ({ header: { typ: 'wallet-attestation+jwt' } }),
      /typ must be statuslist\+jwt/,
    ],
    ['a status list without typ', () => ({ header: { typ: undefined } }), /typ must be/],
    ['a status list without kid', () => ({ header: { kid: undefined } }), /names no kid/],
  ] satisfies [string, () => ListToken, RegExp][])('refuses %s', async (_what, spec, reason) => {
    // Specs are thunks: the keys exist only once beforeAll has run.
    const fetch = serve(await listToken(spec()));
    const result = await verify(await sign(claims()), { fetch });
    expect(result).toMatchObject({ status: 'invalid', code: 'status-list-invalid' });
    expect((result as InvalidResult).reason).toMatch(reason);
  });

  it('refuses an expired status list, saying so', async () => {
    const result = await verify(await sign(claims()), {
      fetch: serve(await listToken({ claims: { exp: now - 61 } })),
    });
    expect(result).toMatchObject({ status: 'invalid', code: 'status-list-invalid' });
    expect((result as InvalidResult).reason).toMatch(/expired at 2026-11-22T11:58:59\.000Z/);
  });

  it('refuses an unsigned (alg none) status list', async () => {
    const payload = (await listToken()).split('.')[1]!; // a genuine list's claims, unsigned
    await refusedWith(
      'status-list-invalid',
      `${b64({ alg: 'none', typ: 'statuslist+jwt', kid: 'k-es256' })}.${payload}.`,
    );
  });

  it('accepts a status list without iss, exp or ttl (all optional)', async () => {
    const fetch = serve(await listToken({ claims: { iss: undefined, exp: undefined, ttl: undefined } }));
    expect(await verify(await sign(claims()), { fetch })).toMatchObject({ status: 'valid' });
  });

  it('refuses an index beyond the list', async () => {
    const at = (idx: number) => sign(claims({ status: { status_list: { idx, uri: LIST_URI } } }));
    // 16 two-bit entries: 4 bytes, indices 0..15.
    expect(await verify(await at(15))).toMatchObject({ status: 'valid' });
    expect(await verify(await at(16))).toMatchObject({ status: 'invalid', code: 'status-unknown' });
    expect(await verify(await at(1_000_000))).toMatchObject({ status: 'invalid', code: 'status-unknown' });
  });

  it.each([
    ['HTTP 500', () => new Response('oops', { status: 500 })],
    ['HTTP 404', () => new Response('gone', { status: 404 })],
    ['HTTP 204', () => new Response(null, { status: 204 })],
    [
      'a network error',
      () => {
        throw new TypeError('fetch failed');
      },
    ],
    [
      'a body that breaks off',
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              controller.error(new TypeError('terminated'));
            },
          }),
        ),
    ],
  ])('reports the list unavailable on %s', async (_what, answer) => {
    await refusedWith('status-unavailable', answer);
  });

  it('reports unavailable when the attestation’s URI is not served', async () => {
    const fetch = serve(await listToken(), `${ISSUER}/v1/status-lists/elsewhere`);
    expect(await verify(await sign(claims()), { fetch })).toMatchObject({
      status: 'invalid',
      code: 'status-unavailable',
    });
  });

  it('refuses a response beyond 8 MiB, reading no further', async () => {
    const MiB = 1024 * 1024;
    /** 16 MiB of 'A' in 1 MiB chunks, counting the chunks handed out. */
    const sixteenMiB = (headers: HeadersInit = {}) => {
      const stream = { pulled: 0 };
      const body = new ReadableStream({
        pull(controller) {
          if (++stream.pulled > 16) controller.close();
          else controller.enqueue(new Uint8Array(MiB).fill(0x41));
        },
      });
      return Object.assign(stream, { response: new Response(body, { headers }) });
    };
    for (const [headers, maxPulled] of [
      [{ 'content-length': String(16 * MiB) }, 1], // refused on the declared length
      [{}, 10], // no length declared: refused once 8 MiB have arrived
    ] as const) {
      const source = sixteenMiB(headers);
      const result = await verify(await sign(claims()), { fetch: serve(() => source.response) });
      expect(result).toMatchObject({ status: 'invalid', code: 'status-list-invalid' });
      expect((result as InvalidResult).reason).toMatch(/exceeds 8388608 bytes/);
      expect(source.pulled).toBeLessThanOrEqual(maxPulled);
    }
  });
});

describe('the status list cache', () => {
  function counting(token: string) {
    let fetches = 0;
    const fetch = serve(() => {
      fetches++;
      return new Response(token);
    });
    return { fetch, count: () => fetches };
  }

  it('reuses a verified list within its ttl and fetches again after', async () => {
    const { fetch, count } = counting(await listToken({ claims: { ttl: 300 } }));
    const cache = new StatusListCache();
    const token = await sign(claims());
    expect(await verify(token, { fetch, cache })).toMatchObject({ status: 'valid' });
    expect(await verify(token, { fetch, cache, now: new Date(NOW.getTime() + 299_000) })).toMatchObject({
      status: 'valid',
    });
    expect(count()).toBe(1);
    expect(cache.size).toBe(1);
    await verify(token, { fetch, cache, now: new Date(NOW.getTime() + 300_000) });
    expect(count()).toBe(2);
  });

  it('keeps no list past its exp, whatever its ttl', async () => {
    const { fetch, count } = counting(await listToken({ claims: { ttl: 3600, exp: now + 120 } }));
    const cache = new StatusListCache();
    const token = await sign(claims());
    await verify(token, { fetch, cache });
    await verify(token, { fetch, cache, now: new Date(NOW.getTime() + 119_000) });
    expect(count()).toBe(1);
    await verify(token, { fetch, cache, now: new Date(NOW.getTime() + 120_000) });
    expect(count()).toBe(2);
  });

  it('keeps nothing without a ttl, and no list that failed verification', async () => {
    const cache = new StatusListCache();
    const token = await sign(claims());
    const withoutTtl = counting(await listToken({ claims: { ttl: undefined } }));
    await verify(token, { fetch: withoutTtl.fetch, cache });
    await verify(token, { fetch: withoutTtl.fetch, cache });
    expect(withoutTtl.count()).toBe(2);
    const foreign = counting(await listToken({ signer: outsider }));
    await verify(token, { fetch: foreign.fetch, cache });
    expect(cache.size).toBe(0);
  });

  it('keeps lists per issuer: another issuer’s attestation does not read them', async () => {
    const cache = new StatusListCache();
    const revokedHere = counting(await listToken({ statuses: { 3: 1 } }));
    expect(await verify(await sign(claims()), { fetch: revokedHere.fetch, cache })).toMatchObject({
      status: 'revoked',
    });
    // Another issuer (its own key, same list URI) must get its own fetch and verdict.
    const other = 'https://other.example';
    const otherList = await new SignJWT({
      iss: other,
      sub: LIST_URI,
      iat,
      ttl: 300,
      status_list: await encodeStatusList(new StatusList(16, 2)),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'statuslist+jwt', kid: outsider.kid })
      .sign(outsider.privateKey);
    const result = await verify(await sign(claims({ iss: other }), outsider), {
      issuer: other,
      jwks: { keys: [outsider.jwk] },
      fetch: serve(otherList),
      cache,
    });
    expect(result).toMatchObject({ status: 'valid' });
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

describe('misuse', () => {
  it('throws on options that cannot be right', async () => {
    const token = await sign(claims());
    for (const options of [
      { issuer: '' },
      { fetch: undefined },
      { algorithms: ['ES256', 'HS256'] },
      { algorithms: ['none'] },
      { algorithms: [] },
      { clockToleranceSeconds: -1 },
      { now: new Date(Number.NaN) },
      { jwks: { keys: 'none' } },
      { jwks: async () => ({}) },
    ] as Partial<VerifyOptions>[]) {
      await expect(verify(token, options)).rejects.toThrow(TypeError);
    }
  });
});
