// Status lists (IETF OAuth Token Status List): every attestation owns one 2-bit entry,
// 0 valid, 1 invalid, 2 suspended. A status change bumps its list's version in the same
// transaction; the list is re-signed when read after a change (at most once per
// STATUS_LIST_PUBLISH_DELAY_SECONDS) or when its token is older than the TTL, and that
// publication is stored, so every other read serves it as it is.
//
// Reading a current list costs one primary-key lookup of the list's small columns: the
// token and its ETag are kept in memory per list and reused while the stored publication
// is the one they came from. A stale list is re-signed once per process however many
// readers ask at the same moment (they share one in-flight publication). Several
// instances sharing a database may each sign once when a list goes stale together; the
// guarded save keeps the newest publication, the others' tokens are served once to their
// own readers (each is a valid, equally current token) and then replaced by the stored one.
import type { Kysely } from 'kysely';
import { newId } from '../crypto/tokens.js';
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
  findPublishedStatusList,
  findStatusListHead,
  listNonValidEntries,
  type StatusListHead,
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

/** One signed token of a list, with what it was signed from. */
interface Publication {
  /** The list version whose entries it carries. */
  version: number;
  /** When it was signed (ISO-8601, as stored in published_at). */
  at: string;
  token: string;
  etag: string;
}

interface ListsState {
  /** The last publication this process signed or read, per list. */
  known: Map<string, Publication>;
  /** Publications being signed now, per list; readers of a stale list wait for this one. */
  inFlight: Map<string, { version: number; promise: Promise<Publication> }>;
}

// Per database: the state mirrors what that database stores (tests run several at once).
const states = new WeakMap<Kysely<Database>, ListsState>();

function stateOf(db: Kysely<Database>): ListsState {
  let state = states.get(db);
  if (!state) {
    state = { known: new Map(), inFlight: new Map() };
    states.set(db, state);
  }
  return state;
}

async function etagOf(ctx: ServiceContext, token: string): Promise<string> {
  return `"${(await ctx.digests.sha256Hex(token)).slice(0, 32)}"`;
}

/** Whether `p` is at least as new as the stored publication described by the head. */
function atLeastStored(p: Publication, head: StatusListHead): boolean {
  if (head.published_at === null) return true;
  const storedVersion = Number(head.published_version);
  return p.version > storedVersion || (p.version === storedVersion && p.at >= head.published_at);
}

async function sign(ctx: ServiceContext, head: StatusListHead, at: Date): Promise<Publication> {
  const version = Number(head.version);
  // Entries are read after the version was, so the token carries at least that version.
  const list = new StatusList(Number(head.size), STATUS_LIST_BITS);
  for (const entry of await listNonValidEntries(ctx.db, head.id)) {
    const value = STATUS_VALUES[entry.status];
    if (value !== undefined) list.set(entry.index, value);
  }
  const iat = Math.floor(at.getTime() / 1000);
  const { ttlSeconds } = ctx.config.statusLists;
  const { token } = await ctx.keys.signJwt(STATUS_LIST_TYP, {
    iss: ctx.config.publicUrl,
    sub: statusListUri(ctx, head.id),
    iat,
    // Re-signed every TTL; twice the TTL lets a cached copy outlive a slow refresh.
    exp: iat + 2 * ttlSeconds,
    ttl: ttlSeconds,
    status_list: await encodeStatusList(list),
  });
  const publication = { version, at: at.toISOString(), token, etag: await etagOf(ctx, token) };
  const stored = await savePublishedStatusList(ctx.db, {
    id: head.id,
    version,
    token,
    at,
    replacing: head.published_at,
  });
  // Not stored: another instance stored a newer one meanwhile; the next read picks that up.
  if (stored) stateOf(ctx.db).known.set(head.id, publication);
  return publication;
}

/** Signs the list once for every concurrent reader that found it stale. */
function republish(ctx: ServiceContext, head: StatusListHead, at: Date): Promise<Publication> {
  const { inFlight } = stateOf(ctx.db);
  const version = Number(head.version);
  const running = inFlight.get(head.id);
  // A publication that read this version (or a later one) carries every change this
  // reader has seen; one started from an older version may not.
  if (running && running.version >= version) return running.promise;
  const flight = { version, promise: sign(ctx, head, at) };
  inFlight.set(head.id, flight);
  const done = () => {
    if (inFlight.get(head.id) === flight) inFlight.delete(head.id);
  };
  flight.promise.then(done, done);
  return flight.promise;
}

/** The stored publication, from memory when it is the one already held. */
async function storedPublication(
  ctx: ServiceContext,
  head: StatusListHead,
): Promise<Publication | undefined> {
  const { known } = stateOf(ctx.db);
  const held = known.get(head.id);
  if (held && atLeastStored(held, head)) return held;
  const stored = await findPublishedStatusList(ctx.db, head.id);
  if (!stored) return undefined;
  const publication = { ...stored, etag: await etagOf(ctx, stored.token) };
  known.set(head.id, publication);
  return publication;
}

export async function publishedStatusList(ctx: ServiceContext, listId: string): Promise<PublishedStatusList> {
  const head = await findStatusListHead(ctx.db, listId);
  if (!head) throw new NotFoundError(`No status list ${listId}`);
  const now = ctx.clock.now();
  const { ttlSeconds, publishDelaySeconds } = ctx.config.statusLists;
  const version = Number(head.version);
  // What this process holds may be newer than the head it just read (it stored a
  // publication after that read); judge freshness by the newest known publication.
  const held = stateOf(ctx.db).known.get(listId);
  const current = held && atLeastStored(held, head) ? held : undefined;
  const publishedAt = current?.at ?? head.published_at;
  const publishedVersion = current?.version ?? Number(head.published_version);
  const age = publishedAt ? (now.getTime() - Date.parse(publishedAt)) / 1000 : Number.POSITIVE_INFINITY;
  const pending = publishedVersion < version;
  // A negative age means the clock went back (or another instance is ahead): re-sign.
  const stale = age < 0 || age >= ttlSeconds || (pending && age >= publishDelaySeconds);
  let publication = stale ? undefined : (current ?? (await storedPublication(ctx, head)));
  publication ??= await republish(ctx, head, now);
  const tokenAge = Math.max(0, (now.getTime() - Date.parse(publication.at)) / 1000);
  // A cache may keep the token for the rest of its TTL, but not past the moment a pending
  // (batched) change is due to show.
  const until = publication.version < version ? publishDelaySeconds - tokenAge : ttlSeconds - tokenAge;
  return { token: publication.token, etag: publication.etag, maxAge: Math.max(0, Math.floor(until)) };
}
