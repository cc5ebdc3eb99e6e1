/**
 * Offline verification of wallet attestations, for exchanges. No server code: jose and
 * Web APIs only, so it runs in Node, browsers and Workers.
 *
 * ```ts
 * import { verifyWalletAttestation } from 'wallet-attest/verifier';
 *
 * const issuer = 'https://attest.example.kz';
 * const jwks = await (await fetch(`${issuer}/.well-known/jwks.json`)).json();
 * const result = await verifyWalletAttestation(token, { issuer, jwks, fetch });
 * if (result.status === 'valid') onboard(result.claims.sub, result.claims.level);
 * else if (result.status === 'invalid') refuse(`bad attestation: ${result.reason}`);
 * else refuse(result.status); // 'revoked' | 'suspended' | 'expired'
 * ```
 */
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { decodeStatusList } from '../domain/status/statusList.js';

export const ATTESTATION_TYP = 'wallet-attestation+jwt';
export const STATUS_LIST_TYP = 'statuslist+jwt';
export const DEFAULT_ALGORITHMS = ['ES256', 'EdDSA'] as const;

export interface WalletAttestationClaims extends JWTPayload {
  iss: string;
  /** CAIP-10 account */
  sub: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  country: string;
  level: 'low' | 'substantial' | 'high';
  method: 'eip191' | 'erc1271' | 'erc6492' | 'onchain';
  status: { status_list: { idx: number; uri: string } };
}

export type InvalidReasonCode =
  | 'malformed'
  | 'typ'
  | 'alg'
  | 'kid'
  | 'signature'
  | 'issuer'
  | 'not-yet-valid'
  | 'claims'
  | 'status-unavailable'
  | 'status-list-invalid'
  | 'status-unknown';

export type VerificationResult =
  | { status: 'valid' | 'revoked' | 'suspended' | 'expired'; claims: WalletAttestationClaims }
  | { status: 'invalid'; code: InvalidReasonCode; reason: string };

export interface VerifyOptions {
  /** The expected `iss`: the service's public URL. */
  issuer: string;
  /** The issuer's JWKS (`/.well-known/jwks.json`), or a function that returns it. */
  jwks: JSONWebKeySet | (() => JSONWebKeySet | Promise<JSONWebKeySet>);
  /** Used to fetch status lists. */
  fetch: typeof fetch;
  now?: Date;
  algorithms?: readonly string[];
  clockToleranceSeconds?: number;
  /** Pass the same object to several calls to reuse status lists within their `ttl`. */
  cache?: StatusListCache;
}

/** Status list tokens by URI, kept until their `ttl` runs out. */
export class StatusListCache {
  readonly entries = new Map<string, { payload: JWTPayload; until: number }>();
}

class Invalid extends Error {
  constructor(
    readonly code: InvalidReasonCode,
    message: string,
  ) {
    super(message);
  }
}

function typMatches(typ: unknown, expected: string): boolean {
  if (typeof typ !== 'string') return false;
  const normalised = typ.toLowerCase();
  return normalised === expected || normalised === `application/${expected}`;
}

/** Verifies a JWS against the JWKS by its `kid` only, with the allow-listed algorithms. */
async function verifySigned(token: string, typ: string, jwks: JSONWebKeySet, options: VerifyOptions) {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new Invalid('malformed', 'not a JWS in compact form');
  }
  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
  if (!typMatches(header.typ, typ))
    throw new Invalid('typ', `typ must be ${typ} (got ${String(header.typ)})`);
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
    throw new Invalid('alg', `alg ${String(header.alg)} is not allowed (allowed: ${algorithms.join(', ')})`);
  }
  if (typeof header.kid !== 'string' || header.kid === '') throw new Invalid('kid', 'the token names no kid');
  const candidates = jwks.keys.filter((key) => key.kid === header.kid);
  if (candidates.length === 0) throw new Invalid('kid', `kid ${header.kid} is not in the issuer's JWKS`);
  try {
    return await jwtVerify(token, createLocalJWKSet({ keys: candidates }), {
      algorithms,
      currentDate: options.now ?? new Date(),
      clockTolerance: options.clockToleranceSeconds ?? 60,
    });
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw error;
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
      throw new Invalid('not-yet-valid', 'the token is not valid yet (nbf)');
    }
    if (error instanceof errors.JWSSignatureVerificationFailed)
      throw new Invalid('signature', 'bad signature');
    throw new Invalid('malformed', error instanceof Error ? error.message : 'unreadable token');
  }
}

function checkClaims(
  payload: JWTPayload,
  issuer: string,
  now: Date,
  toleranceSeconds: number,
): WalletAttestationClaims {
  if (payload.iss !== issuer) throw new Invalid('issuer', `issued by ${String(payload.iss)}, not ${issuer}`);
  const claims = payload as Partial<WalletAttestationClaims>;
  const status = claims.status?.status_list;
  const problems = [
    typeof claims.sub !== 'string' && 'sub',
    typeof claims.jti !== 'string' && 'jti',
    typeof claims.iat !== 'number' && 'iat',
    typeof claims.exp !== 'number' && 'exp',
    typeof claims.country !== 'string' && 'country',
    !['low', 'substantial', 'high'].includes(String(claims.level)) && 'level',
    !['eip191', 'erc1271', 'erc6492', 'onchain'].includes(String(claims.method)) && 'method',
    (!status || !Number.isSafeInteger(status.idx) || status.idx < 0 || typeof status.uri !== 'string') &&
      'status.status_list',
  ].filter(Boolean);
  if (problems.length > 0) throw new Invalid('claims', `missing or ill-typed claims: ${problems.join(', ')}`);
  if (claims.iat! > now.getTime() / 1000 + toleranceSeconds)
    throw new Invalid('not-yet-valid', 'iat is in the future');
  return claims as WalletAttestationClaims;
}

async function fetchStatusList(
  uri: string,
  jwks: JSONWebKeySet,
  options: VerifyOptions,
): Promise<JWTPayload> {
  const now = options.now ?? new Date();
  const cached = options.cache?.entries.get(uri);
  if (cached && cached.until > now.getTime()) return cached.payload;
  let response: Response;
  try {
    response = await options.fetch(uri, { headers: { accept: 'application/statuslist+jwt' } });
  } catch (error) {
    throw new Invalid(
      'status-unavailable',
      `status list ${uri} could not be fetched: ${(error as Error).message}`,
    );
  }
  if (response.status !== 200)
    throw new Invalid('status-unavailable', `status list ${uri} answered ${response.status}`);
  let payload: JWTPayload;
  try {
    ({ payload } = await verifySigned((await response.text()).trim(), STATUS_LIST_TYP, jwks, options));
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'unreadable';
    throw new Invalid(
      'status-list-invalid',
      `status list ${uri}: ${error instanceof errors.JWTExpired ? 'expired' : detail}`,
    );
  }
  if (payload.sub !== uri)
    throw new Invalid('status-list-invalid', `status list sub ${String(payload.sub)} is not ${uri}`);
  if (payload.iss !== undefined && payload.iss !== options.issuer) {
    throw new Invalid('status-list-invalid', `status list issued by ${String(payload.iss)}`);
  }
  if (typeof payload.ttl === 'number' && options.cache) {
    options.cache.entries.set(uri, { payload, until: now.getTime() + payload.ttl * 1000 });
  }
  return payload;
}

async function statusAt(payload: JWTPayload, idx: number): Promise<number> {
  const claim = payload.status_list as { bits: unknown; lst: unknown } | undefined;
  if (!claim) throw new Invalid('status-list-invalid', 'the status list token has no status_list claim');
  let list: Awaited<ReturnType<typeof decodeStatusList>>;
  try {
    list = await decodeStatusList(claim);
  } catch (error) {
    throw new Invalid('status-list-invalid', (error as Error).message);
  }
  if (idx >= list.size) throw new Invalid('status-unknown', `index ${idx} is outside the status list`);
  return list.get(idx);
}

export async function verifyWalletAttestation(
  token: string,
  options: VerifyOptions,
): Promise<VerificationResult> {
  const now = options.now ?? new Date();
  const tolerance = options.clockToleranceSeconds ?? 60;
  try {
    const jwks = typeof options.jwks === 'function' ? await options.jwks() : options.jwks;
    let payload: JWTPayload;
    let expired = false;
    try {
      ({ payload } = await verifySigned(token, ATTESTATION_TYP, jwks, options));
    } catch (error) {
      if (!(error instanceof errors.JWTExpired)) throw error;
      // jose checked the signature before the times: the token is genuine, only old.
      payload = error.payload;
      expired = true;
    }
    const claims = checkClaims(payload, options.issuer, now, tolerance);
    if (expired) return { status: 'expired', claims };
    const { idx, uri } = claims.status.status_list;
    const value = await statusAt(await fetchStatusList(uri, jwks, options), idx);
    switch (value) {
      case 0:
        return { status: 'valid', claims };
      case 1:
        return { status: 'revoked', claims };
      case 2:
        return { status: 'suspended', claims };
      default:
        return {
          status: 'invalid',
          code: 'status-unknown',
          reason: `status value ${value} has no meaning here`,
        };
    }
  } catch (error) {
    if (error instanceof Invalid) return { status: 'invalid', code: error.code, reason: error.message };
    throw error;
  }
}
