// Exchange API clients: created and revoked by the operator, authenticated by bearer key.
// The key is shown once; the database keeps its SHA-256. Authentication answers from a
// bounded in-memory cache, so the hot path costs a hash and no database round trip; a
// revocation announces itself to every instance's cache (store/repositories/changeNotices.ts).

import { hashToken, newId } from '../crypto/tokens.js';
import {
  InsufficientScopeError,
  InvalidApiKeyError,
  NotFoundError,
  ValidationError,
} from '../domain/errors.js';
import {
  type ApiScope,
  apiKeyPrefix,
  bearerToken,
  constantTimeEqual,
  isApiScope,
  newApiKey,
} from '../domain/exchange/apiKeys.js';
import type { BucketRule } from '../domain/exchange/rateLimit.js';
import type { ApiClientRow } from '../store/database.js';
import {
  findApiClient,
  findApiClientByPrefix,
  insertApiClient,
  listApiClients,
  revokeApiClientRow,
} from '../store/repositories/apiClients.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import { announceChange } from '../store/repositories/changeNotices.js';
import type { ServiceContext } from './context.js';

export interface ApiClient {
  id: string;
  name: string;
  licenseNo: string;
  keyPrefix: string;
  scopes: ApiScope[];
  rate: BucketRule;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt?: string;
}

function toClient(row: ApiClientRow): ApiClient {
  return {
    id: row.id,
    name: row.name,
    licenseNo: row.license_no,
    keyPrefix: row.key_prefix,
    scopes: row.scopes.split(' ').filter(isApiScope),
    rate: { perSecond: Number(row.rate_per_second), burst: Number(row.burst) },
    status: row.status === 'revoked' ? 'revoked' : 'active',
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  };
}

export interface NewApiClient {
  name: string;
  licenseNo: string;
  scopes: string[];
  rate?: BucketRule;
}

export async function createApiClient(
  ctx: ServiceContext,
  p: NewApiClient,
): Promise<{ client: ApiClient; key: string }> {
  const problems: string[] = [];
  if (!p.name.trim()) problems.push('a name is required');
  if (!p.licenseNo.trim()) problems.push('a licence number is required');
  const unknown = p.scopes.filter((scope) => !isApiScope(scope));
  if (unknown.length > 0) problems.push(`unknown scopes: ${unknown.join(', ')}`);
  if (p.scopes.length === 0) problems.push('at least one scope is required');
  const rate = p.rate ?? ctx.config.exchange.defaultRate;
  if (!(rate.perSecond > 0) || !(rate.burst >= 1))
    problems.push('the rate must be positive, the burst at least 1');
  if (problems.length > 0) throw new ValidationError(problems.join('; '));

  const { key, prefix } = newApiKey();
  const now = ctx.clock.now();
  const row: ApiClientRow = {
    id: newId(),
    name: p.name.trim(),
    license_no: p.licenseNo.trim(),
    key_prefix: prefix,
    key_hash: await hashToken(key, ctx.digests),
    scopes: [...new Set(p.scopes)].join(' '),
    rate_per_second: rate.perSecond,
    burst: rate.burst,
    status: 'active',
    created_at: now.toISOString(),
    revoked_at: null,
  };
  await ctx.units.run(async (trx) => {
    await insertApiClient(trx, row);
    await appendAudit(
      trx,
      {
        actorType: 'operator',
        actorId: null,
        action: 'api_client.created',
        subjectType: 'api_client',
        subjectId: row.id,
        details: { name: row.name, licenseNo: row.license_no, scopes: row.scopes, keyPrefix: prefix },
      },
      now,
    );
  });
  return { client: toClient(row), key };
}

export async function listClients(ctx: ServiceContext): Promise<ApiClient[]> {
  return (await listApiClients(ctx.db)).map(toClient);
}

export async function revokeApiClient(
  ctx: ServiceContext,
  id: string,
  authenticator?: ApiKeyAuthenticator,
): Promise<ApiClient> {
  const now = ctx.clock.now();
  const row = await ctx.units.run(async (trx) => {
    const client = await findApiClient(trx, id);
    if (!client) throw new NotFoundError(`No API client ${id}`);
    if (await revokeApiClientRow(trx, id, now)) {
      await appendAudit(
        trx,
        {
          actorType: 'operator',
          actorId: null,
          action: 'api_client.revoked',
          subjectType: 'api_client',
          subjectId: id,
          details: { keyPrefix: client.key_prefix },
        },
        now,
      );
      await announceChange(trx, { kind: 'api_client', keyPrefix: client.key_prefix });
    }
    return { ...client, status: 'revoked', revoked_at: client.revoked_at ?? now.toISOString() };
  });
  authenticator?.invalidate(row.key_prefix);
  return toClient(row);
}

interface CacheEntry {
  row: ApiClientRow | undefined;
  until: number;
}

/**
 * Bearer-key authentication with a bounded cache of client records by key prefix. A
 * revocation in this process invalidates its entry at once; one made elsewhere (the CLI,
 * another instance) does when its change notice arrives (PostgreSQL: runtime/
 * changeListener.ts calls `invalidate`), and at the latest when the entry expires
 * (`ttlSeconds`), which bounds staleness while notices cannot be received.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options = { maxEntries: 10_000, ttlSeconds: 30, negativeTtlSeconds: 5 },
  ) {}

  /**
   * Counts invalidations: a record read before one may predate the change it announced,
   * so it answers its own request but is not cached.
   */
  private invalidations = 0;

  invalidate(prefix: string): void {
    this.invalidations++;
    this.cache.delete(prefix);
  }

  /** Forgets every record (change notices may have been missed). */
  clear(): void {
    this.invalidations++;
    this.cache.clear();
  }

  private async record(prefix: string): Promise<ApiClientRow | undefined> {
    const now = this.ctx.clock.now().getTime();
    const cached = this.cache.get(prefix);
    if (cached && cached.until > now) return cached.row;
    const invalidationsBefore = this.invalidations;
    const row = await findApiClientByPrefix(this.ctx.db, prefix);
    if (this.invalidations !== invalidationsBefore) return row;
    const ttl = row ? this.options.ttlSeconds : this.options.negativeTtlSeconds;
    this.cache.delete(prefix);
    this.cache.set(prefix, { row, until: now + ttl * 1000 });
    if (this.cache.size > this.options.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return row;
  }

  async authenticate(authorization: string | undefined, scope: ApiScope): Promise<ApiClient> {
    const key = bearerToken(authorization);
    if (key === undefined) throw new InvalidApiKeyError('Send the API key as "Authorization: Bearer <key>"');
    const prefix = apiKeyPrefix(key);
    const row = prefix ? await this.record(prefix) : undefined;
    // Hash and compare even when the prefix is unknown, so timing does not tell them apart.
    const presented = await hashToken(key, this.ctx.digests);
    const valid = constantTimeEqual(presented, row?.key_hash ?? '0'.repeat(presented.length));
    if (!row || !valid || row.status !== 'active') throw new InvalidApiKeyError();
    const client = toClient(row);
    if (!client.scopes.includes(scope)) {
      throw new InsufficientScopeError(`This route needs the scope ${scope}`, { requiredScope: scope });
    }
    return client;
  }
}
