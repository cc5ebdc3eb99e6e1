// Status lists (IETF OAuth Token Status List): every attestation owns one 2-bit entry,
// 0 valid, 1 invalid, 2 suspended. A status change bumps its list's version in the same
// transaction; the list is re-signed when read after a change (at most once per
// STATUS_LIST_PUBLISH_DELAY_SECONDS) or when its token is older than the TTL.
import type { Kysely } from 'kysely';
import { newId } from '../crypto/tokens.js';
import { sha256Hex } from '../domain/encoding.js';
import { NotFoundError } from '../domain/errors.js';
import {
  encodeStatusList,
  STATUS_INVALID,
  STATUS_SUSPENDED,
  StatusList,
} from '../domain/status/statusList.js';
import type { Database } from '../store/database.js';
import {
  allocateStatusEntry,
  findStatusList,
  listNonValidEntries,
  savePublishedStatusList,
} from '../store/repositories/statusLists.js';
import type { ServiceContext } from './context.js';

export const STATUS_LIST_BITS = 2;
export const STATUS_LIST_TYP = 'statuslist+jwt';

export function statusListUri(ctx: ServiceContext, listId: string): string {
  return `${ctx.config.publicUrl}/v1/status-lists/${listId}`;
}

export function allocateStatusListEntry(ctx: ServiceContext, trx: Kysely<Database>) {
  return allocateStatusEntry(trx, {
    newListId: newId,
    size: ctx.config.statusLists.size,
    bits: STATUS_LIST_BITS,
    now: ctx.clock.now(),
  });
}

const STATUS_VALUES: Record<string, number> = { invalid: STATUS_INVALID, suspended: STATUS_SUSPENDED };

export interface PublishedStatusList {
  token: string;
  etag: string;
  /** Seconds a cache may keep it. */
  maxAge: number;
}

async function publish(ctx: ServiceContext, listId: string, version: number, size: number, at: Date) {
  const list = new StatusList(size, STATUS_LIST_BITS);
  for (const entry of await listNonValidEntries(ctx.db, listId)) {
    const value = STATUS_VALUES[entry.status];
    if (value !== undefined) list.set(entry.index, value);
  }
  const iat = Math.floor(at.getTime() / 1000);
  const { ttlSeconds } = ctx.config.statusLists;
  const { token } = await ctx.keys.signJwt(STATUS_LIST_TYP, {
    iss: ctx.config.publicUrl,
    sub: statusListUri(ctx, listId),
    iat,
    // Re-signed every TTL; twice the TTL lets a cached copy outlive a slow refresh.
    exp: iat + 2 * ttlSeconds,
    ttl: ttlSeconds,
    status_list: await encodeStatusList(list),
  });
  await savePublishedStatusList(ctx.db, { id: listId, version, token, at });
  return token;
}

export async function publishedStatusList(ctx: ServiceContext, listId: string): Promise<PublishedStatusList> {
  const row = await findStatusList(ctx.db, listId);
  if (!row) throw new NotFoundError(`No status list ${listId}`);
  const now = ctx.clock.now();
  const { ttlSeconds, publishDelaySeconds } = ctx.config.statusLists;
  const publishedAt = row.published_at ? new Date(row.published_at) : undefined;
  const age = publishedAt ? (now.getTime() - publishedAt.getTime()) / 1000 : Number.POSITIVE_INFINITY;
  let pendingChange = Number(row.published_version) < Number(row.version);
  let token = row.published_token;
  let tokenAge = age;
  // A negative age means the clock went back (or another instance is ahead): re-sign.
  if (!token || age < 0 || age >= ttlSeconds || (pendingChange && age >= publishDelaySeconds)) {
    token = await publish(ctx, row.id, Number(row.version), Number(row.size), now);
    tokenAge = 0;
    pendingChange = false;
  }
  // A cache may keep the token for the rest of its TTL, but not past the moment a pending
  // (batched) change is due to show.
  const until = pendingChange ? publishDelaySeconds - tokenAge : ttlSeconds - tokenAge;
  return {
    token,
    etag: `"${(await sha256Hex(token)).slice(0, 32)}"`,
    maxAge: Math.max(0, Math.floor(until)),
  };
}
