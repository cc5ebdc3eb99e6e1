// Fetching and verifying Status List Tokens (draft-ietf-oauth-status-list §5): a JWT with
// `typ: statuslist+jwt`, signed by the issuer's JWKS, claims `sub` (its own URI), `iat`,
// optional `exp` and `ttl`, and `status_list: { bits, lst }`.
import type { JSONWebKeySet } from 'jose';
import { decodeStatusList, type StatusList } from '../domain/status/statusList.js';
import { Invalid } from './invalid.js';
import { verifyJws } from './jws.js';

export const STATUS_LIST_TYP = 'statuslist+jwt';
export const STATUS_LIST_MEDIA_TYPE = 'application/statuslist+jwt';
/** A Status List Token response larger than this is refused unread. */
export const MAX_STATUS_LIST_TOKEN_BYTES = 8 * 1024 * 1024;

/**
 * Decoded status lists, kept per issuer and URI for the token's `ttl` (never past its
 * `exp`). Only verified lists enter; a token without `ttl` is not kept. Pass one instance
 * to many `verifyWalletAttestation` calls; it is a plain in-memory map, not shared across
 * processes or isolates.
 */
export class StatusListCache {
  readonly #entries = new Map<string, { list: StatusList; until: number }>();

  /** @internal */
  get(key: string, now: number): StatusList | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.until > now) return entry.list;
    if (entry) this.#entries.delete(key);
    return undefined;
  }

  /** @internal */
  set(key: string, list: StatusList, until: number): void {
    this.#entries.set(key, { list, until });
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}

export interface StatusListContext {
  issuer: string;
  jwks: JSONWebKeySet;
  algorithms: readonly string[];
  now: Date;
  toleranceSeconds: number;
  fetch: typeof fetch;
  cache: StatusListCache | undefined;
}

/** The verified status list at `uri`, from the cache or fetched. */
export async function loadStatusList(uri: string, ctx: StatusListContext): Promise<StatusList> {
  const key = `${ctx.issuer}\n${uri}`;
  const nowMs = ctx.now.getTime();
  const cached = ctx.cache?.get(key, nowMs);
  if (cached) return cached;

  const { list, ttl, exp } = await verifyStatusListToken(await fetchToken(uri, ctx.fetch), uri, ctx);
  if (ctx.cache && ttl !== undefined) {
    const until = Math.min(nowMs + ttl * 1000, exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000);
    ctx.cache.set(key, list, until);
  }
  return list;
}

async function fetchToken(uri: string, fetchImpl: typeof fetch): Promise<string> {
  let response: Response;
  try {
    // Called unbound: browsers refuse `window.fetch` invoked as a method of another object.
    response = await fetchImpl(uri, { headers: { Accept: STATUS_LIST_MEDIA_TYPE } });
  } catch (error) {
    throw new Invalid('status-unavailable', `status list ${uri} could not be fetched: ${messageOf(error)}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    throw new Invalid('status-unavailable', `status list ${uri} answered HTTP ${response.status}`);
  }
  return (await readText(response, uri)).trim();
}

/** The body as UTF-8, refusing (and cancelling) one beyond MAX_STATUS_LIST_TOKEN_BYTES. */
async function readText(response: Response, uri: string): Promise<string> {
  const tooLarge = () =>
    new Invalid('status-list-invalid', `status list ${uri} exceeds ${MAX_STATUS_LIST_TOKEN_BYTES} bytes`);
  if (Number(response.headers.get('content-length')) > MAX_STATUS_LIST_TOKEN_BYTES) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_STATUS_LIST_TOKEN_BYTES) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof Invalid) throw error;
    throw new Invalid('status-unavailable', `status list ${uri} could not be read: ${messageOf(error)}`);
  }
  const decoder = new TextDecoder();
  return chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join('') + decoder.decode();
}

interface VerifiedStatusList {
  list: StatusList;
  ttl: number | undefined;
  exp: number | undefined;
}

async function verifyStatusListToken(
  token: string,
  uri: string,
  ctx: StatusListContext,
): Promise<VerifiedStatusList> {
  const invalid = (reason: string) => new Invalid('status-list-invalid', `status list ${uri}: ${reason}`);
  let verified: Awaited<ReturnType<typeof verifyJws>>;
  try {
    verified = await verifyJws(token, {
      typ: STATUS_LIST_TYP,
      jwks: ctx.jwks,
      algorithms: ctx.algorithms,
      now: ctx.now,
      toleranceSeconds: ctx.toleranceSeconds,
    });
  } catch (error) {
    throw invalid(messageOf(error));
  }
  const { payload } = verified;
  if (verified.expired) {
    throw invalid(`the token expired at ${new Date((payload.exp ?? 0) * 1000).toISOString()}`);
  }
  if (payload.sub !== uri) throw invalid(`sub is ${JSON.stringify(payload.sub)}, not the URI fetched`);
  if (payload.iss !== undefined && payload.iss !== ctx.issuer) {
    throw invalid(`issued by ${JSON.stringify(payload.iss)}, not ${ctx.issuer}`);
  }
  // Required but not compared with the clock (the draft asks no more; an issuer's clock
  // running ahead must not fail every verification).
  if (typeof payload.iat !== 'number') throw invalid('iat is missing');
  const { ttl, status_list: claim } = payload;
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0)) {
    throw invalid('ttl must be a non-negative number of seconds');
  }
  if (typeof claim !== 'object' || claim === null) throw invalid('the status_list claim is missing');
  let list: StatusList;
  try {
    list = await decodeStatusList(claim as { bits: unknown; lst: unknown });
  } catch (error) {
    throw invalid(messageOf(error));
  }
  return { list, ttl: ttl as number | undefined, exp: payload.exp };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
