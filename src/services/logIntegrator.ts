// Integration of committed audit entries into the log's tiles and subject index. It runs
// after commit, never inside an append: the background loop calls it every second, and
// readers that must see the newest entries (a checkpoint, a citizen's own entries) call
// it first. Each batch reads entries in sequence order beyond the integrated size, grows
// the tiles from their right edge (read back from storage: one partial tile per level),
// and writes tiles, index rows and the new size in one transaction of its own.
//
// Memory: one batch of entries and the right edge, whatever the size of the log.
import type { Kysely } from 'kysely';
import type { AuditEntry } from '../domain/audit/auditChain.js';
import { leafHashOf, rightEdge, TileBuilder, TiledTree } from '../domain/audit/tiles.js';
import { toHex, utf8 } from '../domain/encoding.js';
import type { Database } from '../store/database.js';
import { auditEntryFromRow } from '../store/repositories/auditLog.js';
import {
  auditRowsAfter,
  lastAuditSeq,
  readTiles,
  readTreeHead,
  type TreeHead,
  writeIntegration,
} from '../store/repositories/auditTiles.js';
import type { ServiceContext } from './context.js';

/** Entries per transaction: short enough not to hold SQLite's single writer for long. */
export const INTEGRATION_BATCH = 2048;

/** The identities an entry is about: the same places `entryConcerns` looks. */
export function identitiesNamedBy(entry: AuditEntry): string[] {
  const named = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value !== '') named.add(value);
  };
  add(entry.actorId);
  add(entry.subjectId);
  add(entry.details.identityId);
  add(entry.details.claimantIdentityId);
  if (Array.isArray(entry.details.identityIds)) entry.details.identityIds.forEach(add);
  return [...named];
}

/** The index key of an identity: keyed, so the index names no one even to a database reader. */
export function subjectHash(ctx: Pick<ServiceContext, 'protector'>, identityId: string): Promise<string> {
  return ctx.protector.keyedHash(identityId, 'audit-subject');
}

export interface IntegrationReport {
  from: number;
  to: number;
  head: TreeHead;
}

async function integrateBatch(ctx: ServiceContext, head: TreeHead, limit: number): Promise<TreeHead> {
  const rows = await auditRowsAfter(ctx.db, head.size, limit);
  const contiguous = rows.findIndex((row, i) => Number(row.seq) !== head.size + i + 1);
  const batch = contiguous < 0 ? rows : rows.slice(0, contiguous);
  if (batch.length === 0) return head;
  const edge = await readTiles(ctx.db, rightEdge(head.size));
  const builder = new TileBuilder(head.size, new Map(edge.map((tile) => [tile.level, tile.hashes])));
  const subjects: { subjectHash: string; seq: number }[] = [];
  for (const row of batch) {
    builder.append(leafHashOf(utf8(row.hash)));
    for (const identityId of identitiesNamedBy(auditEntryFromRow(row))) {
      subjects.push({ subjectHash: await subjectHash(ctx, identityId), seq: Number(row.seq) });
    }
  }
  const rootHash = toHex(await new TiledTree(builder.edgeSource(), builder.size).root());
  const at = ctx.clock.now().toISOString();
  const written = await writeIntegration(ctx.db, {
    fromSize: head.size,
    toSize: builder.size,
    rootHash,
    at,
    tiles: builder.tiles(),
    subjects,
  });
  // Another instance integrated these entries first: its tiles are the same, go on from there.
  return written ? { size: builder.size, rootHash, integratedAt: at } : readTreeHead(ctx.db);
}

export interface IntegrateOptions {
  /** Integrate up to this size at most (default: every entry committed before the call). */
  upTo?: number;
  /** At most this many entries in this call (the background loop's bound per run). */
  maxEntries?: number;
}

interface Queue {
  /** The end of the last run queued in this process. */
  tail: Promise<unknown>;
  /** A run without bounds that has not started yet: later callers without bounds join it. */
  waiting?: Promise<IntegrationReport>;
}

const queues = new WeakMap<Kysely<Database>, Queue>();

/**
 * Integrates every entry committed before the call, batch by batch, within the bounds
 * given. Calls in one process run one after another, and callers without bounds share a
 * run that has not started yet (it reads the log's end after they called, so it covers
 * their entries): a burst of readers costs one run, not one each. Instances coordinate
 * through the size row.
 */
export function integrate(ctx: ServiceContext, options: IntegrateOptions = {}): Promise<IntegrationReport> {
  let queue = queues.get(ctx.db);
  if (!queue) {
    queue = { tail: Promise.resolve() };
    queues.set(ctx.db, queue);
  }
  const unbounded = options.upTo === undefined && options.maxEntries === undefined;
  if (unbounded && queue.waiting) return queue.waiting;
  const current = queue;
  const run = current.tail.then(() => {
    if (current.waiting === run) current.waiting = undefined;
    return integrateNow(ctx, options);
  });
  if (unbounded) current.waiting = run;
  current.tail = run.catch(() => undefined);
  return run;
}

async function integrateNow(ctx: ServiceContext, options: IntegrateOptions): Promise<IntegrationReport> {
  let head = await readTreeHead(ctx.db);
  const from = head.size;
  const target = Math.min(
    options.upTo ?? (await lastAuditSeq(ctx.db)),
    from + (options.maxEntries ?? Number.MAX_SAFE_INTEGER - from),
  );
  while (head.size < target) {
    const next = await integrateBatch(ctx, head, Math.min(INTEGRATION_BATCH, target - head.size));
    if (next.size === head.size) break; // nothing committed beyond: a gap that a later run fills
    head = next;
  }
  return { from, to: head.size, head };
}

/** The integrated tree head, after integrating what was committed before the call. */
export async function integratedHead(ctx: ServiceContext): Promise<TreeHead> {
  return (await integrate(ctx)).head;
}
