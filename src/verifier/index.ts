/**
 * Offline verification of wallet attestations, for exchanges. No server code: jose and
 * Web APIs only, so it runs in Node 20, browsers and Workers.
 *
 * ```ts
 * import { StatusListCache, verifyWalletAttestation } from 'wallet-attest/verifier';
 *
 * const issuer = 'https://attest.example.kz';
 * const jwks = await (await fetch(`${issuer}/.well-known/jwks.json`)).json();
 * const cache = new StatusListCache(); // keep one: status lists are reused within their ttl
 * const result = await verifyWalletAttestation(token, { issuer, jwks, fetch, cache });
 * if (result.status === 'valid') onboard(result.claims.sub, result.claims.level);
 * else if (result.status === 'invalid') refuse(`${result.code}: ${result.reason}`);
 * else refuse(result.status); // 'revoked' | 'suspended' | 'expired'
 * ```
 */
import type { JSONWebKeySet, JWTPayload } from 'jose';
import { Invalid, type InvalidReasonCode } from './invalid.js';
import { verifyJws } from './jws.js';
import { loadStatusList, StatusListCache } from './statusListToken.js';

export type { InvalidReasonCode } from './invalid.js';
export { STATUS_LIST_TYP, StatusListCache } from './statusListToken.js';
export type { JSONWebKeySet };

export const ATTESTATION_TYP = 'wallet-attestation+jwt';
export const DEFAULT_ALGORITHMS: readonly string[] = ['ES256', 'EdDSA'];
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;

export type AssuranceLevel = 'low' | 'substantial' | 'high';
/** How control of the account was proven: eip155 (EIP-191, ERC-1271, ERC-6492, on-chain), tron (TIP-191), solana (Sign-In With Solana). */
export type ProofMethod = 'eip191' | 'erc1271' | 'erc6492' | 'onchain' | 'tip191' | 'siws';

/** The claims of a verified attestation (any further claims are passed through). */
export interface WalletAttestationClaims {
  iss: string;
  /** The CAIP-10 account, e.g. `eip155:1:0xAb58…`. */
  sub: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  level: AssuranceLevel;
  method: ProofMethod;
  status: { status_list: { idx: number; uri: string } };
  [claim: string]: unknown;
}

export interface InvalidResult {
  status: 'invalid';
  code: InvalidReasonCode;
  /** For logs and people; not stable. */
  reason: string;
}

export type VerificationResult =
  | { status: 'valid'; claims: WalletAttestationClaims }
  | { status: 'revoked'; claims: WalletAttestationClaims }
  | { status: 'suspended'; claims: WalletAttestationClaims }
  /** Genuine and otherwise valid, but past `exp`. The status list is not consulted. */
  | { status: 'expired'; claims: WalletAttestationClaims }
  | InvalidResult;

export interface VerifyOptions {
  /** The expected `iss`: the service's public URL. */
  issuer: string;
  /** The issuer's `/.well-known/jwks.json`, or a function returning it (called once per verification). */
  jwks: JSONWebKeySet | (() => JSONWebKeySet | Promise<JSONWebKeySet>);
  /** Fetches status lists (GET, `Accept: application/statuslist+jwt`). */
  fetch: typeof fetch;
  /** Default: `new Date()`. */
  now?: Date;
  /** Allowed JWS algorithms. Default ES256 and EdDSA; `none` and HMAC are never allowed. */
  algorithms?: readonly string[];
  /** Default 60. Applies to `nbf`, `iat` and `exp` of both tokens. */
  clockToleranceSeconds?: number;
  /** Reuse verified status lists within their `ttl` across calls. Default: none. */
  cache?: StatusListCache;
}

// CAIP-10 character sets and lengths (as the issuer's parser).
const CAIP10 = /^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}:[-.%a-zA-Z0-9]{1,128}$/;
const COUNTRY = /^[A-Z]{2}$/;
const LEVELS: readonly unknown[] = ['low', 'substantial', 'high'] satisfies AssuranceLevel[];
const METHODS: readonly unknown[] = [
  'eip191',
  'erc1271',
  'erc6492',
  'onchain',
  'tip191',
  'siws',
] satisfies ProofMethod[];

/**
 * Verifies a wallet attestation (compact JWS) and looks up its status. Every verdict on the
 * token is a result; it throws only on misuse (ill-formed options or JWKS) or when the
 * `jwks` function throws.
 */
export async function verifyWalletAttestation(
  token: string,
  options: VerifyOptions,
): Promise<VerificationResult> {
  checkOptions(options);
  const jwks = typeof options.jwks === 'function' ? await options.jwks() : options.jwks;
  checkJwks(jwks);
  const now = options.now ?? new Date();
  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
  const toleranceSeconds = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  try {
    const { payload, expired } = await verifyJws(token, {
      typ: ATTESTATION_TYP,
      jwks,
      algorithms,
      now,
      toleranceSeconds,
    });
    const claims = readClaims(payload, options.issuer, now, toleranceSeconds);
    if (expired) return { status: 'expired', claims };

    const { idx, uri } = claims.status.status_list;
    const list = await loadStatusList(uri, {
      issuer: options.issuer,
      jwks,
      algorithms,
      now,
      toleranceSeconds,
      fetch: options.fetch,
      cache: options.cache,
    });
    if (idx >= list.size) {
      throw new Invalid('status-unknown', `index ${idx} is outside the status list (size ${list.size})`);
    }
    const value = list.get(idx);
    switch (value) {
      case 0:
        return { status: 'valid', claims };
      case 1:
        return { status: 'revoked', claims };
      case 2:
        return { status: 'suspended', claims };
      default:
        throw new Invalid('status-unknown', `status value ${value} at index ${idx} has no meaning here`);
    }
  } catch (error) {
    if (error instanceof Invalid) return { status: 'invalid', code: error.code, reason: error.message };
    throw error;
  }
}

function readClaims(
  payload: JWTPayload,
  issuer: string,
  now: Date,
  toleranceSeconds: number,
): WalletAttestationClaims {
  if (payload.iss !== issuer) {
    throw new Invalid('issuer', `issued by ${JSON.stringify(payload.iss)}, not ${issuer}`);
  }
  const claims = payload as Record<string, unknown>;
  const entry = (claims.status as { status_list?: { idx?: unknown; uri?: unknown } } | null | undefined)
    ?.status_list;
  const problems = [
    !(typeof claims.sub === 'string' && CAIP10.test(claims.sub)) && 'sub (a CAIP-10 account)',
    !(typeof claims.jti === 'string' && claims.jti !== '') && 'jti',
    typeof claims.iat !== 'number' && 'iat',
    typeof claims.nbf !== 'number' && 'nbf',
    typeof claims.exp !== 'number' && 'exp',
    !(typeof claims.country === 'string' && COUNTRY.test(claims.country)) && 'country (ISO 3166-1 alpha-2)',
    !LEVELS.includes(claims.level) && 'level',
    !METHODS.includes(claims.method) && 'method',
    !(Number.isSafeInteger(entry?.idx) && Number(entry?.idx) >= 0) && 'status.status_list.idx',
    !isHttpUrl(entry?.uri) && 'status.status_list.uri',
  ].filter((problem) => problem !== false);
  if (problems.length > 0) {
    throw new Invalid('claims', `missing or ill-typed claims: ${problems.join(', ')}`);
  }
  // jose checks nbf and exp; iat only with maxTokenAge, so here.
  if ((claims.iat as number) > now.getTime() / 1000 + toleranceSeconds) {
    throw new Invalid('not-yet-valid', 'the token was issued in the future (iat)');
  }
  return claims as WalletAttestationClaims;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

function checkOptions(options: VerifyOptions): void {
  if (typeof options?.issuer !== 'string' || options.issuer === '') {
    throw new TypeError('options.issuer must be the expected iss');
  }
  if (typeof options.fetch !== 'function') throw new TypeError('options.fetch must be a fetch function');
  if (options.now !== undefined && !(options.now instanceof Date && Number.isFinite(options.now.getTime()))) {
    throw new TypeError('options.now must be a valid Date');
  }
  const tolerance = options.clockToleranceSeconds;
  if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance >= 0)) {
    throw new TypeError('options.clockToleranceSeconds must be a non-negative number');
  }
  const { algorithms } = options;
  if (algorithms !== undefined) {
    if (!Array.isArray(algorithms) || algorithms.length === 0) {
      throw new TypeError('options.algorithms must list at least one algorithm');
    }
    for (const alg of algorithms) {
      // A JWKS holds public keys: `none` and HMAC can only ever be an attack.
      if (typeof alg !== 'string' || /^(none|HS\d+)$/i.test(alg)) {
        throw new TypeError(`options.algorithms may not include ${JSON.stringify(alg)}`);
      }
    }
  }
  if (options.cache !== undefined && !(options.cache instanceof StatusListCache)) {
    throw new TypeError('options.cache must be a StatusListCache');
  }
}

function checkJwks(jwks: unknown): asserts jwks is JSONWebKeySet {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'object' && key !== null)) {
    throw new TypeError('the JWKS must be an object with a keys array of JWKs');
  }
}
